"""/livez, /readyz and /healthz: what a load balancer and a monitor read. Readiness is
this instance's index; the shared database is reported, never a reason to be unready
(tests/web/test_database_away.py has the database away, tests/index/test_integrity.py a damaged
index)."""

from __future__ import annotations

from app import create_app


def test_all_well(client, app) -> None:
    health = client.get("/healthz")
    assert health.status_code == 200 and health.headers["Cache-Control"] == "no-store"
    data = health.get_json()
    assert (data["status"], data["database"], data["articles"], data["problems"]) == (
        "ok", True, 3, [])
    with app.app_context():
        assert data["index"] == app.extensions["knowledge_base"].identity()
    ready = client.get("/readyz").get_json()
    assert (ready["status"], ready["index"], ready["problem"]) == ("ready", data["index"], None)
    assert client.get("/livez").get_json() == {"status": "alive"}


def test_without_an_index_the_instance_is_alive_but_not_ready(tmp_path, kb_dir) -> None:
    app = create_app({"TESTING": True, "KB_DIR": str(kb_dir),
                      "INDEX_DIR": str(tmp_path / "no-index"),
                      "ACTIVITY_DB": str(tmp_path / "activity.sqlite")})
    client = app.test_client()
    assert client.get("/livez").status_code == 200
    ready = client.get("/readyz")
    assert ready.status_code == 503 and "no index at" in ready.get_json()["problem"]
    health = client.get("/healthz")
    data = health.get_json()
    assert health.status_code == 503
    assert (data["status"], data["index"], data["articles"], data["database"]) == (
        "unavailable", None, None, True)
    assert data["problems"][0].endswith("run: flask --app app index")
