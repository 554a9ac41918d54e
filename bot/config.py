"""Clinic configuration: loading and validation of ``config/clinic.yml``.

Crisis resources, on-call routing and consent text are clinic data, not code.
Errors name the file and the exact field, so a clinic admin can fix them.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

import yaml
from pydantic import BaseModel, Extra, Field, ValidationError, root_validator, validator

CLINIC_CONFIG_ENV = "AFTERGLOW_CLINIC_CONFIG"
DEFAULT_CONFIG_PATH = Path(__file__).resolve().parents[1] / "config" / "clinic.yml"


class ConfigError(ValueError):
    """The clinic configuration is missing or invalid."""


class _Strict(BaseModel):
    class Config:
        extra = Extra.forbid
        allow_mutation = False


class Resource(_Strict):
    name: str = Field(..., min_length=1)
    contact: str = Field(..., min_length=1)
    how: str = ""


class LocaleResources(_Strict):
    emergency: Resource
    lines: list[Resource] = Field(..., min_items=1)
    peer: list[Resource] = []


class ClinicInfo(_Strict):
    name: str = Field(..., min_length=1)
    default_locale: str = "en"
    portal_url: str = "http://127.0.0.1:8000"
    # Public base URL of the Rasa server; invite links point at its patient channel.
    chat_url: str = "http://127.0.0.1:5005"


class OnCall(_Strict):
    name: str = Field(..., min_length=1)
    phone: str = Field(..., min_length=3)


class Webhook(_Strict):
    name: str = Field(..., min_length=1)
    url: str = Field(..., regex=r"^https?://")
    # Which notifications go to this hook.
    kinds: list[str] = ["escalation", "reminder", "summary"]


class Smtp(_Strict):
    host: str = "127.0.0.1"
    port: int = Field(25, ge=1, le=65535)
    sender: str = Field(..., regex=r".+@.+")
    starttls: bool = False
    username: str | None = None


class Retry(_Strict):
    first_delay_seconds: float = Field(5, gt=0)
    max_delay_seconds: float = Field(900, gt=0)


class Notifications(_Strict):
    webhooks: list[Webhook] = []
    emails: list[str] = []
    smtp: Smtp
    retry: Retry = Retry()
    renotify_minutes: dict[str, float] = {"imminent": 10, "high": 30}

    @validator("renotify_minutes")
    def _known_levels(cls, value: dict[str, float]) -> dict[str, float]:
        unknown = set(value) - {"imminent", "high", "moderate", "low"}
        if unknown:
            raise ValueError(f"unknown levels {sorted(unknown)}")
        if any(minutes <= 0 for minutes in value.values()):
            raise ValueError("minutes must be positive")
        return value


class Summaries(_Strict):
    inactivity_minutes: float = Field(120, gt=0)
    include_content: bool = False


class ClinicConfig(_Strict):
    clinic: ClinicInfo
    disclosure: dict[str, str]
    consent: dict[str, str]
    crisis_resources: dict[str, LocaleResources]
    on_call: OnCall
    notifications: Notifications
    summaries: Summaries = Summaries()

    @root_validator(skip_on_failure=True)
    def _default_locale_everywhere(cls, values: dict) -> dict:
        locale = values["clinic"].default_locale
        for field in ("disclosure", "consent", "crisis_resources"):
            if locale not in values[field]:
                raise ValueError(
                    f"{field} has no entry for the default locale {locale!r}"
                )
        return values

    @property
    def locales(self) -> list[str]:
        """Locales with crisis resources, default first."""
        default = self.clinic.default_locale
        return [default] + sorted(k for k in self.crisis_resources if k != default)

    def resources(self, locale: str) -> LocaleResources:
        """Crisis resources for ``locale``, falling back to the default locale."""
        return (
            self.crisis_resources.get(locale)
            or self.crisis_resources[self.clinic.default_locale]
        )

    def text(self, field: str, locale: str) -> str:
        """Disclosure or consent text in ``locale`` (default locale as fallback)."""
        texts: dict[str, str] = getattr(self, field)
        return texts.get(locale, texts[self.clinic.default_locale]).format(
            clinic=self.clinic.name
        )


def _describe(error: ValidationError, path: Path) -> str:
    lines = [f"{path}: invalid clinic configuration"]
    for item in error.errors():
        location = ".".join(str(part) for part in item["loc"] if part != "__root__")
        lines.append(f"  {location or '(top level)'}: {item['msg']}")
    return "\n".join(lines)


def load_config(path: Path | str | None = None) -> ClinicConfig:
    """Load and validate the clinic configuration.

    Args:
        path: The YAML file; defaults to ``$AFTERGLOW_CLINIC_CONFIG`` or
            ``config/clinic.yml``.

    Raises:
        ConfigError: with one line per problem, naming the field.
    """
    path = Path(path or os.environ.get(CLINIC_CONFIG_ENV) or DEFAULT_CONFIG_PATH)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise ConfigError(f"{path}: clinic configuration file not found") from error
    except yaml.YAMLError as error:
        raise ConfigError(f"{path}: not valid YAML: {error}") from error
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: expected a mapping at the top level")
    try:
        return ClinicConfig.parse_obj(raw)
    except ValidationError as error:
        raise ConfigError(_describe(error, path)) from error


@cache
def get_config() -> ClinicConfig:
    """The process-wide clinic configuration (loaded once)."""
    return load_config()
