"""An export damaged anywhere (a flipped byte in a tar header, in padding, in the
manifest, in the checksum line itself) or cut short is refused with the reason before
anything is unpacked; a full disk stops an export or an import cleanly."""

from __future__ import annotations

import errno
import random
import tarfile

import pytest

from app.index import shipping
from app.index.shipping import (
    SEAL_LENGTH,
    DiskFullError,
    ShippingError,
    export_index,
    import_index,
)


@pytest.fixture
def shipped(tmp_path, index_dir):
    path = tmp_path / "index.tar"
    export_index(index_dir, path)
    return path


def generations(replica) -> list[str]:
    return sorted(p.name for p in replica.parent.glob("index.gen-*"))


def test_a_flipped_byte_anywhere_is_refused(tmp_path, shipped) -> None:
    data = shipped.read_bytes()
    replica = tmp_path / "replica" / "index"
    import_index(replica, shipped)
    live = replica.resolve()
    rng = random.Random(19)
    # 20 places: anywhere, and the tar's zero padding and the checksum line for sure.
    places = [rng.randrange(len(data)) for _ in range(17)] + [
        len(data) - SEAL_LENGTH - 10, len(data) - 30, len(data) - 2]
    damaged = tmp_path / "damaged.tar"
    for place in places:
        damaged.write_bytes(data[:place] + bytes([data[place] ^ 0x10]) + data[place + 1:])
        with pytest.raises(ShippingError, match=r"SHA-256|checksum line|cut short"):
            import_index(replica, damaged)
    assert replica.resolve() == live and generations(replica) == [live.name]


@pytest.mark.parametrize("keep", [0.5, 0.999])
def test_a_file_cut_short_is_refused_saying_so(tmp_path, shipped, keep) -> None:
    data = shipped.read_bytes()
    cut = tmp_path / "cut.tar"
    cut.write_bytes(data[:int(len(data) * keep)])
    with pytest.raises(ShippingError, match="cut short"):
        import_index(tmp_path / "replica" / "index", cut)
    assert not (tmp_path / "replica").exists() or not list(
        (tmp_path / "replica").glob("index.gen-*"))


def test_the_cli_says_why_an_import_is_refused(tmp_path, shipped, app) -> None:
    data = shipped.read_bytes()
    damaged = tmp_path / "damaged.tar"
    damaged.write_bytes(data[:100] + bytes([data[100] ^ 1]) + data[101:])
    result = app.test_cli_runner().invoke(args=["index", "--import", str(damaged)])
    assert result.exit_code == 1
    assert "does not match its SHA-256: a byte was changed in transit" in result.output


def full_disk_after(limit: int, monkeypatch) -> None:
    """Writes through tarfile's and shipping's files fail with ENOSPC past limit bytes."""
    written = [0]
    real_open = tarfile.bltn_open

    class Filling:
        def __init__(self, handle) -> None:
            self.handle = handle

        def write(self, data) -> int:
            written[0] += len(data)
            if written[0] > limit:
                raise OSError(errno.ENOSPC, "No space left on device")
            return self.handle.write(data)

        def __getattr__(self, name):
            return getattr(self.handle, name)

        def __enter__(self):
            return self

        def __exit__(self, *exc) -> None:
            self.handle.close()

    def opening(path, mode="r", *args, **kwargs):
        handle = real_open(path, mode, *args, **kwargs)
        return Filling(handle) if "w" in mode or "a" in mode else handle

    monkeypatch.setattr(tarfile, "bltn_open", opening)
    original_open = shipping.Path.open

    def path_open(self, mode="r", *args, **kwargs):
        handle = original_open(self, mode, *args, **kwargs)
        return Filling(handle) if "w" in mode or "a" in mode else handle

    monkeypatch.setattr(shipping.Path, "open", path_open)


def test_an_export_meeting_a_full_disk_stops_and_leaves_nothing(
        tmp_path, index_dir, monkeypatch) -> None:
    out = tmp_path / "out" / "index.tar"
    out.parent.mkdir()
    full_disk_after(20_000, monkeypatch)
    with pytest.raises(DiskFullError, match="is full: the export stopped and its partial "
                                            "file was removed"):
        export_index(index_dir, out)
    assert list(out.parent.iterdir()) == []


def test_an_import_meeting_a_full_disk_removes_what_it_unpacked(
        tmp_path, shipped, monkeypatch) -> None:
    replica = tmp_path / "replica" / "index"
    import_index(replica, shipped)
    live = replica.resolve()
    full_disk_after(20_000, monkeypatch)
    with pytest.raises(DiskFullError, match="the live index is untouched"):
        import_index(replica, shipped)
    assert replica.resolve() == live and generations(replica) == [live.name]


def test_an_import_that_cannot_fit_is_refused_before_unpacking(
        tmp_path, shipped, monkeypatch) -> None:
    monkeypatch.setattr(shipping.shutil, "disk_usage",
                        lambda path: type("U", (), {"free": 1000})())
    with pytest.raises(DiskFullError, match="not enough space to import"):
        import_index(tmp_path / "replica" / "index", shipped)


