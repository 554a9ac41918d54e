"""The offline dependency audit (issue 13, item 10)."""

from __future__ import annotations

from scripts.audit_deps import audit, installed_version, main

ADVISORIES = [
    {"id": "A-1", "package": "web", "affected": "<0.40.0", "summary": "dos"},
    {
        "id": "A-2",
        "package": "web",
        "affected": "<1.3.1",
        "summary": "limits",
        "mitigation": "body limit",
    },
]


def test_an_affected_version_fails_unless_mitigated():
    failures, mitigated = audit(ADVISORIES, {"web": "0.27.0"}.get)
    assert [line.split(":")[0] for line in failures] == ["A-1"]
    assert [line.split(":")[0] for line in mitigated] == ["A-2"]
    assert audit(ADVISORIES, {"web": "0.50.0"}.get)[0] == []
    assert audit(ADVISORIES, {}.get) == ([], [])


def test_the_installed_stack_passes_the_project_list(capsys):
    assert main([]) == 0, capsys.readouterr().out
    assert installed_version("starlette") is not None
