"""Crisis, consent and help responses rendered from the clinic configuration.

The crisis reply must not depend on the action server, so it has to be a
domain response; but resources and on-call routing are clinic data. This
module bridges the two: ``python -m bot build-domain`` writes
``build/domain/`` (our ``domain.yml`` plus ``clinic.yml`` rendered from
``config/clinic.yml``), and Rasa trains on that folder. Changing the clinic
configuration therefore retrains the model (``make train`` sees the change).
"""

from __future__ import annotations

import argparse
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import yaml

from bot.config import ClinicConfig, ConfigError, LocaleResources, load_config

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DOMAIN_SOURCE = PROJECT_ROOT / "domain.yml"
BUILD_DOMAIN_DIR = PROJECT_ROOT / "build" / "domain"


def _resource_lines(resources: LocaleResources, with_peer: bool = False) -> str:
    entries = list(resources.lines) + (list(resources.peer) if with_peer else [])
    return "\n".join(
        f"• {entry.name}: {entry.contact}" + (f", {entry.how}" if entry.how else "")
        for entry in entries
    )


def _emergency(resources: LocaleResources) -> str:
    return f"{resources.emergency.name}: {resources.emergency.contact}"


_TEXTS: dict[str, dict[str, Callable[[ClinicConfig, LocaleResources], str]]] = {
    "en": {
        "utter_disclosure": lambda c, r: f"{c.text('disclosure', 'en')}\n\n{c.text('consent', 'en')}",
        "utter_resources": lambda c, r: (
            "You can reach someone right now:\n"
            f"• {_emergency(r)} for an emergency\n{_resource_lines(r, with_peer=True)}\n"
            f"• {c.on_call.name}: {c.on_call.phone}"
        ),
        "utter_crisis_imminent": lambda c, r: (
            "I'm really glad you told me. What you describe sounds like an emergency, "
            "and you deserve help right now.\n"
            f"Please call {r.emergency.contact} or {r.lines[0].contact} now. If you can, "
            "move away from anything you could use to hurt yourself and let someone "
            f"near you know.\nI'm alerting {c.clinic.name}'s on-call team. You can also "
            f"reach {c.on_call.name} at {c.on_call.phone}."
        ),
        "utter_medical_emergency": lambda c, r: (
            "This could be a medical emergency. Please call "
            f"{r.emergency.contact} now or go to the nearest emergency room, and don't "
            f"drive yourself.\nThen call {c.on_call.name} at {c.on_call.phone}. I'm "
            "alerting your care team."
        ),
        "utter_crisis_high": lambda c, r: (
            "Thank you for trusting me with this. You don't have to carry it alone. "
            f"Please reach out now:\n{_resource_lines(r)}\n"
            f"• {c.on_call.name}: {c.on_call.phone}\n"
            f"If you're in danger right now, call {r.emergency.contact}. I'm letting "
            "your care team know so they can reach you today."
        ),
        "utter_crisis_moderate": lambda c, r: (
            "Thank you for telling me. That sounds really hard, and I'm glad you said "
            f"it. Support is there any time:\n{_resource_lines(r)}\n"
            f"If you're in danger, call {r.emergency.contact}. Your care team will hear "
            "about this today."
        ),
        "utter_crisis_low": lambda c, r: (
            "Thank you for sharing that. It sounds heavy. If it would help to talk to "
            f"someone now:\n{_resource_lines(r)}\nI'll note this for your therapist."
        ),
        "utter_medical_concern": lambda c, r: (
            "Feeling detached, unreal or seeing things for days after an infusion "
            "isn't expected, and your clinic should know. Please call "
            f"{c.on_call.name} at {c.on_call.phone} today. If it gets worse or you "
            f"feel unsafe, call {r.emergency.contact} or go to the emergency room."
        ),
        "utter_safe_now_no": lambda c, r: (
            f"Please call {r.emergency.contact} now, or {r.lines[0].contact}. If you "
            "can, go to where other people are and stay with them. I'm alerting "
            f"{c.clinic.name}'s on-call team. I'm here with you."
        ),
    },
    "es": {
        "utter_disclosure": lambda c, r: f"{c.text('disclosure', 'es')}\n\n{c.text('consent', 'es')}",
        "utter_resources": lambda c, r: (
            "Puedes hablar con alguien ahora mismo:\n"
            f"• {_emergency(r)} en una emergencia\n{_resource_lines(r, with_peer=True)}\n"
            f"• {c.on_call.name}: {c.on_call.phone}"
        ),
        "utter_crisis_imminent": lambda c, r: (
            "Gracias por decírmelo. Lo que describes parece una emergencia y mereces "
            f"ayuda ahora mismo.\nLlama al {r.emergency.contact} o al "
            f"{r.lines[0].contact} ahora. Si puedes, aléjate de cualquier cosa con la "
            "que puedas hacerte daño y avisa a alguien cercano.\nEstoy avisando al "
            f"equipo de guardia de {c.clinic.name}: {c.on_call.phone}."
        ),
        "utter_medical_emergency": lambda c, r: (
            f"Esto podría ser una emergencia médica. Llama al {r.emergency.contact} "
            "ahora o ve a la sala de emergencias más cercana; no manejes tú.\nLuego "
            f"llama a la clínica: {c.on_call.phone}. Estoy avisando a tu equipo."
        ),
        "utter_crisis_high": lambda c, r: (
            "Gracias por confiarme esto. No tienes que cargarlo a solas. Busca apoyo "
            f"ahora:\n{_resource_lines(r)}\n• {c.on_call.name}: {c.on_call.phone}\n"
            f"Si estás en peligro, llama al {r.emergency.contact}. Tu equipo de "
            "cuidado será avisado hoy."
        ),
        "utter_crisis_moderate": lambda c, r: (
            "Gracias por contármelo. Suena muy difícil. Hay apoyo en cualquier "
            f"momento:\n{_resource_lines(r)}\nSi estás en peligro, llama al "
            f"{r.emergency.contact}. Tu equipo de cuidado lo sabrá hoy."
        ),
        "utter_crisis_low": lambda c, r: (
            "Gracias por compartirlo. Suena pesado. Si te ayuda hablar con alguien "
            f"ahora:\n{_resource_lines(r)}\nLo anotaré para tu terapeuta."
        ),
        "utter_medical_concern": lambda c, r: (
            "Sentirte desconectado/a o ver cosas días después de una infusión no es "
            f"lo esperado. Llama hoy a la clínica: {c.on_call.phone}. Si empeora o no "
            f"te sientes a salvo, llama al {r.emergency.contact}."
        ),
        "utter_safe_now_no": lambda c, r: (
            f"Llama al {r.emergency.contact} ahora, o al {r.lines[0].contact}. Si "
            "puedes, ve a donde haya otras personas. Estoy avisando al equipo de "
            f"guardia de {c.clinic.name}. Sigo aquí contigo."
        ),
    },
}


def resources_text(config: ClinicConfig, locale: str) -> str:
    """The clinic's crisis resources as the bot shows them (``utter_resources``).

    Also what a channel shows when a turn fails, so help never depends on the
    bot answering.
    """
    texts = _TEXTS.get(locale) or _TEXTS["en"]
    return texts["utter_resources"](config, config.resources(locale))


def render_responses(config: ClinicConfig) -> dict[str, list[dict]]:
    """Domain responses for every configured locale.

    The default locale's text is the unconditional variation; other locales
    are conditional variations on the ``language`` slot.
    """
    default = config.clinic.default_locale
    responses: dict[str, list[dict]] = {}
    for locale in config.locales:
        texts = _TEXTS.get(locale) or _TEXTS["en"]
        for name, render in texts.items():
            variation: dict = {"text": render(config, config.resources(locale))}
            if locale != default:
                variation["condition"] = [
                    {"type": "slot", "name": "language", "value": locale}
                ]
            responses.setdefault(name, []).append(variation)
    return responses


def build_domain(config: ClinicConfig, out_dir: Path = BUILD_DOMAIN_DIR) -> Path:
    """Write ``domain.yml`` and the rendered ``clinic.yml`` into ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(DOMAIN_SOURCE, out_dir / "domain.yml")
    clinic_domain = {"version": "3.1", "responses": render_responses(config)}
    with (out_dir / "clinic.yml").open("w", encoding="utf-8") as handle:
        handle.write(
            "# Generated from config/clinic.yml by `python -m bot build-domain`.\n"
        )
        yaml.safe_dump(
            clinic_domain, handle, allow_unicode=True, sort_keys=True, width=88
        )
    return out_dir


def _build_domain_command(args: argparse.Namespace) -> int:
    try:
        config = load_config(args.config)
    except ConfigError as error:
        print(error, file=sys.stderr)
        return 2
    print(build_domain(config, Path(args.out)))
    return 0


def _check_config_command(args: argparse.Namespace) -> int:
    try:
        config = load_config(args.config)
    except ConfigError as error:
        print(error, file=sys.stderr)
        return 2
    print(f"ok: {config.clinic.name}, locales {', '.join(config.locales)}")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``build-domain`` and ``check-config`` to the command line."""
    build = subparsers.add_parser(
        "build-domain", help="render clinic responses into build/domain/"
    )
    build.add_argument(
        "--config", default=None, help="clinic YAML (default config/clinic.yml)"
    )
    build.add_argument("--out", default=str(BUILD_DOMAIN_DIR))
    build.set_defaults(handler=_build_domain_command)
    check = subparsers.add_parser(
        "check-config", help="validate the clinic configuration"
    )
    check.add_argument("--config", default=None)
    check.set_defaults(handler=_check_config_command)
