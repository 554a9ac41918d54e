"""OpenAPI schema and Swagger UI, behind the login, with local assets only."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from bot.portal.auth import LoggedIn
from bot.portal.headers import PAGE_CSP
from bot.portal.templating import render

router = APIRouter(include_in_schema=False)
SWAGGER_ASSETS = "/static/swagger-ui"
# Swagger UI sets style attributes from its bundle; this page alone allows them.
DOCS_CSP = PAGE_CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")


@router.get("/api/openapi.json")
def openapi_schema(request: Request, principal: LoggedIn) -> dict[str, Any]:
    return request.app.openapi()


@router.get("/api/docs")
def api_docs(request: Request, principal: LoggedIn) -> Response:
    response = render(request, "api_docs.html", assets=SWAGGER_ASSETS)
    response.headers["Content-Security-Policy"] = DOCS_CSP
    return response
