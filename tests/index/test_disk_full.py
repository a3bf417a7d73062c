"""An index run or an export on a disk that fills up (a real tmpfs, so every write path meets ENOSPC
as it would): it stops with a clear message, the live generation stays byte for byte
as it was and keeps answering, nothing half-written is left, and once there is room
the next run succeeds. Skipped where a tmpfs cannot be mounted (needs root)."""

from __future__ import annotations

import gc
import hashlib
import subprocess

import pytest

from tests.conftest import FIXTURE_ARTICLES, archive_article


@pytest.fixture
def small_disk(tmp_path):
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(mount)],
                          capture_output=True, text=True, check=False)
    if done.returncode:
        pytest.skip(f"cannot mount a tmpfs here (needs root): {done.stderr.strip()}")
    yield mount
    # The failed writers' files are collected here, under this test's warning filter,
    # not during whichever test the garbage collector next runs in.
    gc.collect()
    subprocess.run(["umount", "-l", str(mount)], check=False)


def fingerprint(folder) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*"))
            if p.is_file() and not p.name.endswith("-shm")}  # readers' marks, not data


def on_disk(disk) -> list[str]:
    """What is on the disk but the run lock's file."""
    return sorted(p.name for p in disk.iterdir() if p.name != ".index.lock")


def fill(disk, leave: int) -> None:
    """Fill the disk but `leave` bytes."""
    import os

    free = os.statvfs(disk).f_bavail * os.statvfs(disk).f_frsize
    (disk / "filler").write_bytes(b"\0" * max(0, free - leave))


def articles(marker: str = "") -> dict[str, str]:
    made = {f"Q{n}": text for n, text in FIXTURE_ARTICLES.items()}
    for n in range(200001, 200041):
        made[f"Q{n}"] = archive_article(n, f"Outlook rule {n} {marker}", f"""\
            SYMPTOMS
            ========

            Rule number {n} stops running after the mailbox moves. {marker} {"word " * 300}
            """)
    return made


# Whoosh leaves the files of a writer that failed to the garbage collector.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_an_index_run_on_a_full_disk_stops_cleanly_and_the_next_succeeds(
        small_disk, make_kb) -> None:
    index_dir = small_disk / "index"
    kb = make_kb(articles(), config={"INDEX_DIR": str(index_dir)})
    client, runner = kb.client, kb.app.test_cli_runner()
    before = client.get("/api/search?q=0x800ccc90").get_json()
    live = index_dir.resolve()
    kept = fingerprint(live)
    for name, text in articles("zzmarker").items():
        kb.add(name, text)
    fill(small_disk, 4096)
    ran = "is full (No space left on device): the run stopped. The live index still serves"
    for args, says in (
            (["index", "--export", str(small_disk / "x.tar")],
             "is full: the export stopped and its partial file was removed"),
            (["index"], ran), (["index", "--rebuild"], ran)):
        result = runner.invoke(args=args)
        assert result.exit_code == 1, result.output
        assert f"the disk holding {small_disk} {says}" in result.output
        # Byte for byte as it was; an update may leave its journal of the paths it was
        # applying (APPLYING), which the next run reads again.
        now = fingerprint(live)
        now.pop("APPLYING", None)
        assert index_dir.resolve() == live and now == kept
        assert sorted(p.name for p in (live / "whoosh").iterdir() if p.is_dir()) == []
        assert on_disk(small_disk) == ["filler", "index", live.name]
        assert client.get("/api/search?q=0x800ccc90").get_json() == before
    (small_disk / "filler").unlink()
    result = runner.invoke(args=["index"])
    assert result.exit_code == 0, result.output
    assert client.get("/api/search?q=zzmarker").get_json()["total"] == 40
    assert on_disk(small_disk) == ["index", live.name]
