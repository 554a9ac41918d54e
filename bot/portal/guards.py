"""Dependency lists for state-changing routes.

Order matters: who is asking is settled first (302/401, or 404 for a
therapist on an admin route), then the CSRF token (403).
"""

from fastapi import Depends

from bot.portal.auth import admin_principal, current_principal
from bot.portal.csrf import require_csrf

LOGGED_IN_POST = [Depends(current_principal), Depends(require_csrf)]
ADMIN_POST = [Depends(admin_principal), Depends(require_csrf)]
