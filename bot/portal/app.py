"""The portal application factory."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exception_handlers import request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware
from starlette.responses import Response
from swagger_ui_bundle import swagger_ui_path

from bot.config import ClinicConfig, get_config
from bot.portal.auth import NotAuthenticated
from bot.portal.body_limit import BodyLimitMiddleware
from bot.portal.headers import SecurityHeadersMiddleware
from bot.portal.logins import LoginSessionStore
from bot.portal.routes import admin, api, docs, escalations, exports, login, patients
from bot.portal.routes.docs import SWAGGER_ASSETS
from bot.portal.settings import PortalSettings
from bot.portal.templating import make_templates, render
from bot.portal.throttle import LoginThrottle
from bot.store import Database, get_database
from bot.store.events import EventStream, get_event_stream

STATIC_DIR = Path(__file__).parent / "static"
SESSION_COOKIE = "afterglow_portal"
ERROR_TITLES = {
    400: "Bad request",
    403: "Not allowed",
    404: "Not found",
    405: "Not allowed",
    409: "Already done",
}


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


_MAX_ID = 2**63 - 1


def _out_of_range(part: str) -> bool:
    return part.isascii() and part.isdigit() and int(part[:20]) > _MAX_ID


def _error_page(request: Request, exc: StarletteHTTPException) -> Response:
    if _is_api(request):
        return JSONResponse(
            {"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers
        )
    title = ERROR_TITLES.get(exc.status_code, "Something went wrong")
    message = (
        "There is nothing here, or it is not yours to see."
        if exc.status_code == 404
        else str(exc.detail)
    )
    return render(
        request,
        "error.html",
        status_code=exc.status_code,
        title=title,
        message=message,
    )


def _install_id_guard(app: FastAPI) -> None:
    """404 for ids beyond 64 bits (installed inside the session middleware)."""

    @app.middleware("http")
    async def _ids_in_range(request: Request, call_next) -> Response:  # noqa: ANN001
        # A larger number in a URL names nothing, and the database driver
        # would overflow on it.
        if any(_out_of_range(part) for part in request.url.path.split("/")):
            return _error_page(request, StarletteHTTPException(404, "Not Found"))
        return await call_next(request)


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(NotAuthenticated)
    async def _login_required(request: Request, _exc: NotAuthenticated) -> Response:
        if _is_api(request):
            return JSONResponse({"detail": "Not authenticated"}, status_code=401)
        target = request.url.path + (
            f"?{request.url.query}" if request.url.query else ""
        )
        return RedirectResponse(f"/login?next={quote(target)}", status_code=302)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        return _error_page(request, exc)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        if _is_api(request):
            return await request_validation_exception_handler(request, exc)
        # A malformed id in a page URL is simply a page that does not exist.
        in_path = any(error["loc"][0] == "path" for error in exc.errors())
        status = 404 if in_path else 400
        message = "There is nothing here." if in_path else "The form was incomplete."
        return render(
            request,
            "error.html",
            status_code=status,
            title=ERROR_TITLES[status],
            message=message,
        )


def create_app(
    db: Database | None = None,
    stream: EventStream | None = None,
    config: ClinicConfig | None = None,
    settings: PortalSettings | None = None,
) -> FastAPI:
    """Build the portal.

    Args:
        db: The application database (default: ``get_database()``).
        stream: The event broker stream for transcripts (``get_event_stream()``).
        config: The clinic configuration (``get_config()``).
        settings: Security settings (default: from the environment).
    """
    config = config or get_config()
    settings = settings or PortalSettings.from_environment(config.clinic.portal_url)
    app = FastAPI(
        title="Afterglow portal API",
        description=(
            "The portal's data as JSON. Log in through /login (cookie session); "
            "POST requests need the X-CSRF-Token header (token from /api/me)."
        ),
        version="1",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    # The bundled Swagger UI (4.x) reads OpenAPI 3.0 documents, not 3.1.
    app.openapi_version = "3.0.3"
    app.state.db = db or get_database()
    app.state.stream = stream or get_event_stream()
    app.state.config = config
    app.state.settings = settings
    app.state.templates = make_templates()
    app.state.sessions = LoginSessionStore(
        idle_seconds=settings.session_idle_minutes * 60,
        max_seconds=settings.session_max_hours * 3600,
    )
    app.state.throttle = LoginThrottle(
        app.state.db,
        account_max_failures=settings.account_max_failures,
        ip_max_failures=settings.ip_max_failures,
        lockout_seconds=settings.lockout_seconds,
        lockout_max_seconds=settings.lockout_max_seconds,
        window_seconds=settings.failure_window_seconds,
    )

    _install_id_guard(app)
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.secret_key,
        session_cookie=SESSION_COOKIE,
        max_age=int(settings.session_max_hours * 3600),
        same_site="lax",
        https_only=settings.secure_cookies,
    )
    # Outside the session and every route: nothing parses an oversized body.
    app.add_middleware(BodyLimitMiddleware)
    # Added last, so it wraps everything, error pages included.
    app.add_middleware(SecurityHeadersMiddleware, https=settings.secure_cookies)
    _install_error_handlers(app)

    for module in (login, escalations, patients, exports, admin, api, docs):
        app.include_router(module.router)

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict:
        return {"status": "ok"}

    # Swagger UI's files come from the swagger-ui-bundle package: no CDN.
    app.mount(
        SWAGGER_ASSETS, StaticFiles(directory=str(swagger_ui_path)), name="swagger"
    )
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    return app
