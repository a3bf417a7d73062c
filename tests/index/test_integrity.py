"""Files of the live generation damaged after the swap (an array or the article store
cut short): found when the server opens or re-checks the generation, reported by
/healthz, and then either the previous generation is served or a clear 503, never
wrong answers."""

from __future__ import annotations

import os

import pytest

from app import create_app
from app.index.build import build_index
from app.index.integrity import Integrity, npy_size, store_size
from tests.conftest import FIXTURE_ARTICLES


@pytest.fixture
def kb(make_kb):
    return make_kb({f"Q{n}": text for n, text in FIXTURE_ARTICLES.items()})


def an_array(generation):
    return max((generation / "arrays").glob("*/title.docs.npy"), key=lambda p: p.stat().st_size)


def cut(path, keep: float = 0.5) -> None:
    os.truncate(path, int(path.stat().st_size * keep))


def new_worker(kb):
    """A client of a new server process on the same index: damage is found at open."""
    return create_app(dict(kb.app.config)).test_client()


def test_whole_files_match_their_headers(kb) -> None:
    generation = kb.index_dir.resolve()
    for array in (generation / "arrays").rglob("*.npy"):
        assert npy_size(array) == array.stat().st_size
    assert store_size(generation / "articles.sqlite") <= (
        generation / "articles.sqlite").stat().st_size
    assert Integrity().damage(generation) is None


def test_a_cut_array_with_no_previous_generation_is_a_clear_503(kb) -> None:
    client = kb.client
    good = client.get("/api/search?q=0x800ccc90").get_json()
    assert good["total"] == 2
    array = an_array(kb.index_dir.resolve())
    cut(array)
    client = new_worker(kb)
    response = client.get("/api/search?q=0x800ccc90")
    assert response.status_code == 503
    assert "index is damaged" in response.get_json()["message"]
    page = client.get("/kb/100/Q100001/")
    assert page.status_code == 503 and b"answers nothing rather than wrong answers" in page.data
    health = client.get("/healthz")
    assert health.status_code == 503 and client.get("/readyz").status_code == 503
    problem = health.get_json()["problems"][0]
    assert f"arrays/{array.parent.name}" in problem  # the folder, cut in its header or body
    assert "rebuild it (flask --app app index --rebuild) or import a good copy" in problem
    assert client.get("/livez").status_code == 200


def test_a_cut_store_is_found_too(kb) -> None:
    client = kb.client
    assert client.get("/api/articles/Q100001").status_code == 200
    cut(kb.index_dir.resolve() / "articles.sqlite", 0.3)
    client = new_worker(kb)
    response = client.get("/api/articles/Q100001")
    assert response.status_code == 503
    assert "articles.sqlite is cut short" in client.get("/healthz").get_json()["problems"][0]


def test_the_previous_generation_serves_while_the_live_one_is_damaged(kb) -> None:
    client = kb.client
    first = kb.index_dir.resolve()
    build_index(kb.kb_dir, kb.index_dir, rebuild=True, procs=1)  # keeps `first` beside it
    live = kb.index_dir.resolve()
    assert live != first
    good = client.get("/api/search?q=0x800ccc90").get_json()
    cut(an_array(live), 0.9)
    client = new_worker(kb)
    response = client.get("/api/search?q=0x800ccc90")
    assert response.status_code == 200 and response.get_json() == good
    health = client.get("/healthz")
    data = health.get_json()
    assert health.status_code == 200 and data["status"] == "degraded"
    assert data["index"].startswith(first.name + ":")
    assert f"serving the previous generation {first.name}" in data["problems"][0]
    # Mended (here: rebuilt), the new live generation is served again.
    build_index(kb.kb_dir, kb.index_dir, rebuild=True, procs=1)
    data = client.get("/healthz").get_json()
    assert data["status"] == "ok" and data["index"].startswith(kb.index_dir.resolve().name)


def test_a_state_an_index_run_passes_through_is_looked_at_again_before_a_503(
        kb, monkeypatch) -> None:
    """What an in-place update leaves for a moment (a folder replaced, a checkpoint)
    is not damage: the check looks again before the worker answers 503."""
    generation = kb.index_dir.resolve()
    array = an_array(generation)
    whole = array.read_bytes()
    cut(array)
    check = Integrity._check

    def mended_meanwhile(self, folder):
        verdict = check(self, folder)
        array.write_bytes(whole)   # the run finished writing it
        return verdict

    monkeypatch.setattr(Integrity, "_check", mended_meanwhile)
    assert Integrity().damage(generation) is None
    monkeypatch.undo()
    cut(array)   # damage that stays is still found
    assert "is damaged" in Integrity().damage(generation)
