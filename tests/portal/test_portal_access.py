"""Who may reach what: every route of the app, for every kind of visitor.

The table below must list every route; a route added to the app without a
line here fails ``test_every_route_is_in_the_matrix``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import count
from typing import Any

import pytest
from fastapi.routing import APIRoute
from starlette.routing import Mount

from tests.portal.conftest import World, csrf_from

ROLES = ("bob", "anon", "alice", "admin")  # bob first: his 404s must change nothing


@dataclass(frozen=True)
class Expect:
    """Expected status per visitor, plus what the request carries."""

    anon: int
    alice: int  # therapist A, owner of Dana, the patient in every URL
    bob: int  # therapist B
    admin: int
    form: dict[str, Any] = field(default_factory=dict)
    json: dict[str, Any] | None = None
    params: dict[str, str] = field(default_factory=dict)


def page(**kw):
    """A page of Dana's: login redirect, 404 for Bob, 200 for Alice and admin."""
    return Expect(anon=302, alice=200, bob=404, admin=200, **kw)


def api(**kw):
    return Expect(anon=401, alice=200, bob=404, admin=200, **kw)


def anyone(status: int, anon: int = 302):
    return Expect(anon=anon, alice=status, bob=status, admin=status)


def admin_only(status: int = 200, **kw):
    return Expect(anon=302, alice=404, bob=404, admin=status, **kw)


_unique = count()

MATRIX: dict[tuple[str, str], Expect] = {
    # public
    ("GET", "/login"): Expect(anon=200, alice=302, bob=302, admin=302),
    ("POST", "/login"): Expect(
        anon=401,
        alice=401,
        bob=401,
        admin=401,
        form={"email": "nobody@clinic.test", "password": "wrong-password"},
    ),
    ("GET", "/healthz"): Expect(anon=200, alice=200, bob=200, admin=200),
    ("MOUNT", "/static"): Expect(anon=200, alice=200, bob=200, admin=200),
    ("MOUNT", "/static/swagger-ui"): Expect(anon=200, alice=200, bob=200, admin=200),
    # any logged-in clinician
    ("POST", "/logout"): anyone(303),
    ("GET", "/"): anyone(200),
    ("GET", "/patients"): anyone(200),
    ("GET", "/api/me"): anyone(200, anon=401),
    ("GET", "/api/escalations"): anyone(200, anon=401),
    ("GET", "/api/patients"): anyone(200, anon=401),
    ("GET", "/api/openapi.json"): anyone(200, anon=401),
    ("GET", "/api/docs"): anyone(200, anon=401),
    # Dana's records: Alice and admins only
    ("GET", "/escalations/{escalation_id}"): page(),
    ("POST", "/escalations/{escalation_id}/acknowledge"): Expect(
        anon=302, alice=303, bob=404, admin=303, form={"note": "Called her"}
    ),
    ("GET", "/patients/{patient_id}"): page(),
    ("GET", "/patients/{patient_id}/conversation"): page(),
    ("GET", "/patients/{patient_id}/sessions/{slug}"): page(),
    ("GET", "/patients/{patient_id}/sessions/{slug}/summary.md"): page(),
    ("GET", "/patients/{patient_id}/sessions/{slug}/summary.json"): page(),
    ("GET", "/patients/{patient_id}/sessions/{slug}/print"): page(),
    ("GET", "/sessions/{summary_id}"): Expect(anon=302, alice=302, bob=404, admin=302),
    ("GET", "/api/escalations/{escalation_id}"): api(),
    ("POST", "/api/escalations/{escalation_id}/acknowledge"): Expect(
        # the second acknowledgement is refused: the first one stands
        anon=401,
        alice=200,
        bob=404,
        admin=409,
        json={"note": "On it"},
        params={"escalation_id": "imminent"},
    ),
    ("GET", "/api/patients/{patient_id}"): api(),
    ("GET", "/api/patients/{patient_id}/sessions/{slug}"): api(),
    ("GET", "/api/sessions/{summary_id}"): api(),
    # admins only
    ("GET", "/admin"): admin_only(),
    ("GET", "/admin/patients"): admin_only(),
    ("GET", "/admin/audit"): admin_only(),
    ("GET", "/api/audit"): Expect(anon=401, alice=404, bob=404, admin=200),
    ("POST", "/admin/therapists"): admin_only(
        303,
        form={
            "name": "Jo New",
            "email": "jo{n}@clinic.test",
            "password": "a-long-password",
            "role": "therapist",
        },
    ),
    ("POST", "/admin/therapists/{clinician_id}/deactivate"): admin_only(303),
    ("POST", "/admin/therapists/{clinician_id}/activate"): admin_only(303),
    ("POST", "/admin/patients"): admin_only(
        303,
        form={"display_name": "Lee Park", "therapist_id": "{alice}", "locale": "en"},
    ),
    ("POST", "/admin/patients/{patient_id}/assign"): admin_only(
        303, form={"therapist_id": "{alice}"}
    ),
    ("POST", "/admin/patients/{patient_id}/invites"): admin_only(200),
    ("POST", "/admin/invites/{invite_id}/revoke"): admin_only(303),
}

MOUNT_PROBES = {
    "/static": "/static/portal.css",
    "/static/swagger-ui": "/static/swagger-ui/swagger-ui.css",
}


def app_routes(world: World) -> set[tuple[str, str]]:
    routes = set()
    for route in world.app.routes:
        if isinstance(route, APIRoute):
            routes |= {(method, route.path) for method in route.methods}
        elif isinstance(route, Mount):
            routes.add(("MOUNT", route.path))
        else:
            raise AssertionError(f"unexpected route type {route!r}")
    return routes


def test_every_route_is_in_the_matrix(world: World) -> None:
    routes = app_routes(world)
    assert routes - MATRIX.keys() == set(), "routes missing from the matrix"
    assert MATRIX.keys() - routes == set(), "matrix lines for routes that do not exist"


def _url(world: World, path: str, expect: Expect) -> str:
    ids = world.ids
    values = {
        "patient_id": ids.dana,
        "escalation_id": ids.dana_escalations["high"],
        "slug": f"r{ids.dana_reflections[-1]}",
        "summary_id": ids.summary_ids["dana"],
        "clinician_id": ids.casey,
        "invite_id": ids.dana_invite,
    }
    for name, value in expect.params.items():
        values[name] = ids.dana_escalations[value]
    return path.format(**values)


def _token(client) -> str:  # noqa: ANN001
    response = client.get("/api/me")
    if response.status_code == 200:
        return response.json()["csrf_token"]
    return csrf_from(client)


def _form(world: World, expect: Expect) -> dict[str, str]:
    values = {"alice": world.ids.alice, "n": next(_unique)}
    return {key: value.format(**values) for key, value in expect.form.items()}


@pytest.mark.parametrize(
    "method,path", sorted(MATRIX), ids=[f"{m} {p}" for m, p in sorted(MATRIX)]
)
def test_access(world: World, method: str, path: str) -> None:
    expect = MATRIX[(method, path)]
    for role in ROLES:
        client = world.client(None if role == "anon" else role)
        if method == "MOUNT":
            response = client.get(MOUNT_PROBES[path])
        elif method == "GET":
            response = client.get(_url(world, path, expect))
        elif expect.json is not None:
            response = client.post(
                _url(world, path, expect),
                json=expect.json,
                headers={"X-CSRF-Token": _token(client)},
            )
        else:
            response = client.post(
                _url(world, path, expect),
                data={**_form(world, expect), "csrf_token": _token(client)},
            )
        wanted = getattr(expect, role)
        assert response.status_code == wanted, (role, method, path, response.text[:300])
        if role == "anon" and wanted == 302:
            assert response.headers["location"].startswith("/login?next=")


def test_other_therapist_sees_only_his_own(world: World) -> None:
    bob = world.client("bob")
    ids = world.ids
    assert bob.get(f"/patients/{ids.sam}").status_code == 200
    assert [p["id"] for p in bob.get("/api/patients").json()] == [ids.sam]
    queue = bob.get("/api/escalations").json()
    assert [r["id"] for r in queue["open"]] == [ids.sam_escalation]
    assert "Dana" not in bob.get("/").text
    assert "Dana" not in bob.get("/patients").text


def test_admin_sees_every_patient(world: World) -> None:
    names = {
        p["display_name"] for p in world.client("admin").get("/api/patients").json()
    }
    assert {"Dana Whitfield", "Riley Chen", "Sam Ortiz"} <= names
