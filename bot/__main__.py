"""``python -m bot``: the Afterglow command line.

Each subpackage that offers commands exposes ``register(subparsers)`` in a
``cli`` module; this file only wires them together.
"""

import argparse
import importlib
import sys

# Modules that contribute sub-commands, in help order.
COMMAND_MODULES = (
    "bot.clinic_responses",
    "bot.safety.cli",
    "bot.channels.cli",
    "bot.escalation.cli",
    "bot.store.cli",
    "bot.summary.cli",
    "bot.portal.cli",
    "bot.action_server",
    "bot.traps.cli",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    subparsers = parser.add_subparsers(dest="command", required=True)
    for module_name in COMMAND_MODULES:
        importlib.import_module(module_name).register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.handler(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
