"""Shipping an index: export once, import on a replica (checked, swapped atomically),
refuse damaged or hostile files, and serve throughout an import."""

from __future__ import annotations

import io
import json
import tarfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from app import create_app
from app.index.shipping import (
    MANIFEST,
    ShippingError,
    export_index,
    import_index,
    seal,
)


def replica_app(tmp_path: Path, index_dir: Path, kb_dir: Path):
    return create_app({"TESTING": True, "KB_DIR": str(kb_dir), "INDEX_DIR": str(index_dir),
                       "INDEX_REFRESH_SECONDS": 0,
                       "ACTIVITY_DB": str(tmp_path / "replica.sqlite")})


def test_an_exported_index_serves_on_a_replica(tmp_path, index_dir, kb_dir) -> None:
    shipped = tmp_path / "index.tar"
    exported = export_index(index_dir, shipped)
    assert exported.identity.startswith(index_dir.resolve().name + ":")
    replica = tmp_path / "replica" / "index"
    imported = import_index(replica, shipped)
    assert imported.sha256 == exported.sha256 and replica.is_symlink()
    app = replica_app(tmp_path, replica, kb_dir)
    client = app.test_client()
    assert client.get("/healthz").get_json()["articles"] == 3
    found = client.get("/api/search?q=printer").get_json()
    assert [r["id"] for r in found["results"]] == ["Q100003"]
    app.extensions["knowledge_base"].close()


def test_the_cli_exports_and_imports(tmp_path, runner, app) -> None:
    shipped = tmp_path / "cli.tar"
    result = runner.invoke(args=["index", "--export", str(shipped)])
    assert result.exit_code == 0 and result.output.startswith("exported index index.gen-")
    app.config["INDEX_DIR"] = str(tmp_path / "other" / "index")
    result = runner.invoke(args=["index", "--import", str(shipped)])
    assert result.exit_code == 0 and "imported index" in result.output
    assert (tmp_path / "other" / "index").is_symlink()


def rewrite(source: Path, target: Path, change) -> None:
    """Copy a tar member by member, letting change(name, data) alter or drop each, and
    seal it again: what a forger who knows the format could make."""
    with tarfile.open(source) as old, tarfile.open(target, "w") as new:
        for member in old:
            data = old.extractfile(member).read()
            changed = change(member.name, data)
            if changed is None:
                continue
            name, data = changed
            info = tarfile.TarInfo(name)
            info.size = len(data)
            new.addfile(info, io.BytesIO(data))
    seal(target)


@pytest.mark.parametrize(("change", "message"), [
    (lambda n, d: (n, d[:-1] + bytes([d[-1] ^ 1])) if n.endswith(".toc") else (n, d),
     "does not match its SHA-256"),
    (lambda n, d: None if n.endswith(".toc") else (n, d), "is missing"),
    (lambda n, d: None if n == MANIFEST else (n, d), "no MANIFEST.json"),
    (lambda n, d: ("generation/../../evil", d) if n.endswith("FORMAT") else (n, d),
     "outside the index"),
    (lambda n, d: (n, json.dumps({**json.loads(d), "format": 1}).encode())
     if n == MANIFEST else (n, d), "checksum"),
])
def test_a_damaged_or_hostile_file_is_refused_and_nothing_changes(
        tmp_path, index_dir, change, message) -> None:
    shipped, bad = tmp_path / "good.tar", tmp_path / "bad.tar"
    export_index(index_dir, shipped)
    replica = tmp_path / "replica" / "index"
    import_index(replica, shipped)
    live = replica.resolve()
    rewrite(shipped, bad, change)
    with pytest.raises(ShippingError, match=message):
        import_index(replica, bad)
    assert replica.resolve() == live
    assert sorted(p.name for p in replica.parent.glob("index.gen-*")) == [live.name]
    assert not (tmp_path / "evil").exists()


def test_importing_while_serving_gives_no_errors(start, tmp_path, index_dir, kb_dir) -> None:
    shipped = tmp_path / "index.tar"
    export_index(index_dir, shipped)
    replica = tmp_path / "replica" / "index"
    import_index(replica, shipped)
    server = start(replica, kb_dir, 2, ACTIVITY_DB=str(tmp_path / "a.sqlite"),
                   INDEX_REFRESH_SECONDS="0")
    failures, served, stop = [], [0], threading.Event()

    def load() -> None:
        while not stop.is_set():
            try:
                with urllib.request.urlopen(server.url + "/api/search?q=0x800ccc90",
                                            timeout=10) as response:
                    assert len(json.load(response)["results"]) == 2
                served[0] += 1
            except (urllib.error.URLError, AssertionError, OSError) as error:
                failures.append(repr(error))

    threads = [threading.Thread(target=load) for _ in range(3)]
    for thread in threads:
        thread.start()
    for _ in range(4):
        import_index(replica, shipped)
        time.sleep(0.3)
    stop.set()
    for thread in threads:
        thread.join()
    assert failures == [] and served[0] > 20
