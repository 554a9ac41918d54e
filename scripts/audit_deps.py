"""Check the installed packages against security/advisories.yml, offline.

Exit status 1 when an installed version is affected by an advisory that names
no mitigation. ``python scripts/audit_deps.py [--advisories PATH]``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

import yaml
from packaging.specifiers import SpecifierSet
from packaging.version import Version

ADVISORIES = Path(__file__).resolve().parents[1] / "security" / "advisories.yml"


def installed_version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def audit(
    advisories: list[dict], version_of: Callable[[str], str | None]
) -> tuple[list[str], list[str]]:
    """(unmitigated findings, mitigated findings), one line each."""
    failures, mitigated = [], []
    for advisory in advisories:
        version = version_of(advisory["package"])
        if version is None:
            continue
        if Version(version) not in SpecifierSet(advisory["affected"]):
            continue
        line = (
            f"{advisory['id']}: {advisory['package']} {version} ({advisory['summary']})"
        )
        (mitigated if advisory.get("mitigation") else failures).append(line)
    return failures, mitigated


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--advisories", type=Path, default=ADVISORIES)
    args = parser.parse_args(argv)
    advisories = yaml.safe_load(args.advisories.read_text())["advisories"]
    failures, mitigated = audit(advisories, installed_version)
    for line in mitigated:
        print(f"mitigated  {line}")
    for line in failures:
        print(f"VULNERABLE {line}")
    print(
        f"{len(advisories)} advisories checked: {len(failures)} unmitigated, "
        f"{len(mitigated)} mitigated"
    )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
