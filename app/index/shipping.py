"""Ship an index to other machines: build once, export one file, import it everywhere.

`export_index` writes the live generation as one tar file: its files under
`generation/` and, last, `MANIFEST.json` with the index identity (generation name and
Whoosh generation), its format, and the SHA-256 and size of every file, plus one
SHA-256 over all of that; after the tar, one line (`SEAL`) with the SHA-256 and length
of everything before it, so a changed byte anywhere (a tar header, the padding) or a
file cut short is refused before anything is unpacked. `import_index` checks that
line, then unpacks into a new generation beside `INDEX_DIR`, refusing anything the
manifest does not vouch for (a changed byte, a missing or extra file, a path outside
the folder, a link, another format), and only then swaps it in with the same atomic
rename a rebuild uses, so a serving replica moves from one complete index to the
other. Both hold the index's run lock, so no build writes while a generation is read
or swapped. A full disk stops either with `DiskFullError`: the export's partial file
and the import's unpacked folder are removed, and the live generation is untouched.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

from whoosh.filedb.filestore import FileStorage

from app.index.disk import disk_full, reason
from app.index.generations import (
    FORMAT_FILE,
    PREVIOUS_FILE,
    WHOOSH_DIR,
    format_of,
    live_generation,
    new_generation,
    run_lock,
    swap,
)
from app.index.schema import FORMAT_VERSION
from app.index.store import STORE_FILE

MANIFEST = "MANIFEST.json"
PREFIX = "generation"
CHUNK = 1 << 20
# Files of a generation that are not the index: the replaced generation's name, a
# journal of a crashed run, Whoosh's lock, SQLite's side files (the store is copied
# through SQLite's backup, so its WAL is already in it).
SKIPPED = {PREVIOUS_FILE, "APPLYING", "MAIN_WRITELOCK", f"{STORE_FILE}-wal", f"{STORE_FILE}-shm"}


# The last line of an export: the SHA-256 and length of every byte before it.
SEAL = b"KB-INDEX-EXPORT sha256=%s bytes=%020d\n"
SEAL_LENGTH = len(SEAL % (b"0" * 64, 0))


class ShippingError(RuntimeError):
    """The file is not an index this program can swap in; the message says why."""


class DiskFullError(ShippingError):
    """The disk filled up; what was half-written is removed, the live index untouched."""


@dataclass(frozen=True)
class Manifest:
    identity: str
    format: int
    files: dict[str, dict]  # relative path -> {"sha256", "size"}
    sha256: str
    created: str

    def summary(self) -> str:
        size = sum(f["size"] for f in self.files.values())
        return (f"index {self.identity} (format {self.format}, {len(self.files)} files, "
                f"{size / 1e6:.1f} MB, sha256 {self.sha256[:16]}...)")

    def to_json(self) -> str:
        return json.dumps({"identity": self.identity, "format": self.format,
                           "files": self.files, "sha256": self.sha256,
                           "created": self.created}, indent=1, sort_keys=True)


def overall_sha256(identity: str, index_format: int, files: dict[str, dict]) -> str:
    """One checksum over what the manifest says: identity, format, every file's."""
    digest = hashlib.sha256(f"{identity}\0{index_format}\n".encode())
    for path in sorted(files):
        digest.update(f"{path}\0{files[path]['sha256']}\0{files[path]['size']}\n".encode())
    return digest.hexdigest()


def identity_of(generation: Path) -> str:
    """generation:toc, as KnowledgeBase.identity() names the index a server reads."""
    ix = FileStorage(str(generation / WHOOSH_DIR), supports_mmap=False).open_index()
    return f"{generation.name}:{ix.latest_generation()}"


def _sha256_file(path: Path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with path.open("rb") as source:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def export_index(index_dir: Path, out_file: Path) -> Manifest:
    index_dir, out_file = Path(index_dir), Path(out_file)
    with run_lock(index_dir):
        generation = live_generation(index_dir)
        if generation is None:
            raise ShippingError(f"no index at {index_dir} to export; build one first")
        if (generation / "APPLYING").exists():
            raise ShippingError("the live index is between two steps of an update; run "
                                "flask --app app index to finish it, then export")
        partial = out_file.with_name(f".{out_file.name}.partial")
        try:
            with tempfile.TemporaryDirectory(dir=out_file.parent) as scratch:
                manifest = _write_export(generation, Path(scratch), partial)
        except BaseException as error:
            partial.unlink(missing_ok=True)
            full = disk_full(error, out_file.parent)
            if full is not None:
                raise DiskFullError(
                    f"the disk holding {out_file.parent} is full: the export stopped and "
                    f"its partial file was removed ({reason(full)}); free space and "
                    "export again") from None
            raise
        partial.replace(out_file)
    return manifest


def _members(generation: Path, scratch: Path) -> dict[str, Path]:
    """Relative path -> file to ship: the store as one consistent copy (its WAL in it)."""
    store_copy = scratch / STORE_FILE
    # Read-only: a writable connection checkpoints the live store's WAL as it closes,
    # rewriting the file a server reads (and, on a full disk, failing to).
    with sqlite3.connect((generation / STORE_FILE).as_uri() + "?mode=ro", uri=True) as source, \
            sqlite3.connect(store_copy) as copy:
        source.backup(copy)
    source.close()
    copy.close()
    members: dict[str, Path] = {STORE_FILE: store_copy}
    for path in sorted(generation.rglob("*")):
        relative = path.relative_to(generation).as_posix()
        if path.is_file() and path.name not in SKIPPED and relative != STORE_FILE:
            members[relative] = path
    return members


def _write_export(generation: Path, scratch: Path, partial: Path) -> Manifest:
    """The generation's files and their manifest as a tar in partial, sealed."""
    files = {}
    with tarfile.open(partial, "w") as tar:
        for relative, path in _members(generation, scratch).items():
            sha, size = _sha256_file(path)
            files[relative] = {"sha256": sha, "size": size}
            tar.add(path, arcname=f"{PREFIX}/{relative}", recursive=False)
        identity, index_format = identity_of(generation), format_of(generation)
        manifest = Manifest(identity, index_format, files,
                            overall_sha256(identity, index_format, files),
                            datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))
        data = manifest.to_json().encode()
        info = tarfile.TarInfo(MANIFEST)
        info.size, info.mtime = len(data), int(datetime.now(UTC).timestamp())
        tar.addfile(info, io.BytesIO(data))
    seal(partial)
    return manifest


def seal(path: Path) -> None:
    """Append the SEAL line of everything in path, and make it durable."""
    digest, size = _sha256_file(path)
    with path.open("ab") as out:
        out.write(SEAL % (digest.encode(), size))
        out.flush()
        os.fsync(out.fileno())


def check_seal(path: Path) -> None:
    """Refuse a file whose last line does not vouch for every byte before it."""
    total = path.stat().st_size
    with path.open("rb") as source:
        source.seek(max(0, total - SEAL_LENGTH))
        line = source.read()
    prefix = SEAL.split(b"%s")[0]
    if len(line) != SEAL_LENGTH or not line.startswith(prefix):
        raise ShippingError(f"{path} does not end with its checksum line: it was cut short "
                            f"({total:,} bytes) or is not an exported index")
    try:
        sealed_sha = line[len(prefix):len(prefix) + 64].decode("ascii")
        sealed_size = int(line.rsplit(b"bytes=", 1)[1])
    except (ValueError, IndexError, UnicodeDecodeError):
        raise ShippingError(f"{path}'s checksum line is damaged") from None
    if sealed_size != total - SEAL_LENGTH:
        raise ShippingError(f"{path} is {total - SEAL_LENGTH:,} bytes, its checksum line says "
                            f"{sealed_size:,}: it was cut short or damaged in transit")
    digest = hashlib.sha256()
    with path.open("rb") as source:
        left = sealed_size
        while left and (chunk := source.read(min(CHUNK, left))):
            digest.update(chunk)
            left -= len(chunk)
    if digest.hexdigest() != sealed_sha:
        raise ShippingError(f"{path} does not match its SHA-256: a byte was changed in "
                            "transit; export it again")


def _read_manifest(data: bytes) -> Manifest:
    try:
        raw = json.loads(data)
        manifest = Manifest(str(raw["identity"]), int(raw["format"]), dict(raw["files"]),
                            str(raw["sha256"]), str(raw.get("created", "")))
    except (ValueError, KeyError, TypeError) as error:
        raise ShippingError(f"the manifest is unreadable: {error}") from None
    if overall_sha256(manifest.identity, manifest.format, manifest.files) != manifest.sha256:
        raise ShippingError("the manifest's checksum does not match its file list")
    return manifest


def _member_path(name: str) -> str:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or len(path.parts) < 2 or path.parts[0] != PREFIX:
        raise ShippingError(f"refusing a file outside the index: {name!r}")
    return PurePosixPath(*path.parts[1:]).as_posix()


def import_index(index_dir: Path, in_file: Path) -> Manifest:
    """Verify in_file and swap it in as the live generation; nothing changes on error."""
    index_dir = Path(index_dir)
    index_dir.parent.mkdir(parents=True, exist_ok=True)
    check_seal(Path(in_file))
    with run_lock(index_dir):
        _check_room(index_dir.parent, Path(in_file))
        target = None
        try:
            target = new_generation(index_dir)
            manifest = _unpack(Path(in_file), target)
        except (ShippingError, OSError, tarfile.TarError) as error:
            if target is not None:
                shutil.rmtree(target, ignore_errors=True)
            if isinstance(error, ShippingError):
                raise
            full = disk_full(error, index_dir.parent)
            if full is not None:
                raise DiskFullError(
                    f"the disk holding {index_dir.parent} is full: the import stopped and "
                    f"what it had unpacked was removed ({reason(full)}); the live index "
                    "is untouched. Free space and import again") from None
            raise ShippingError(f"{in_file} is not a readable index file: {error}") from None
        swap(index_dir, target)
    return manifest


def _check_room(folder: Path, in_file: Path) -> None:
    """Refuse before unpacking when the file cannot fit beside the live index."""
    needed = in_file.stat().st_size
    free = shutil.disk_usage(folder).free
    if free < needed:
        raise DiskFullError(
            f"not enough space to import: {needed / 1e6:,.1f} MB needed, {free / 1e6:,.1f} MB "
            f"free on the disk holding {folder}; the live index is untouched")


def _unpack(in_file: Path, target: Path) -> Manifest:
    seen: dict[str, dict] = {}
    manifest = None
    with tarfile.open(in_file, "r:") as tar:
        for member in tar:
            if member.name == MANIFEST and member.isfile():
                source = tar.extractfile(member)
                manifest = _read_manifest(source.read() if source else b"")
                continue
            relative = _member_path(member.name)
            if not member.isfile():
                raise ShippingError(f"refusing {member.name!r}: not a regular file")
            if relative in seen:
                raise ShippingError(f"{relative} is in the file twice")
            destination = target / relative
            destination.parent.mkdir(parents=True, exist_ok=True)
            digest, size = hashlib.sha256(), 0
            source = tar.extractfile(member)
            with destination.open("wb") as out:
                while source is not None and (chunk := source.read(CHUNK)):
                    digest.update(chunk)
                    size += len(chunk)
                    out.write(chunk)
            seen[relative] = {"sha256": digest.hexdigest(), "size": size}
    if manifest is None:
        raise ShippingError(f"{in_file} has no {MANIFEST}: not an exported index")
    if manifest.format != FORMAT_VERSION:
        raise ShippingError(f"the index is in format {manifest.format}, this program reads "
                            f"{FORMAT_VERSION}: export it from a server of this version")
    for relative, expected in manifest.files.items():
        found = seen.get(relative)
        if found is None:
            raise ShippingError(f"{relative} is missing from the file")
        if found != expected:
            raise ShippingError(f"{relative} does not match its SHA-256 in the manifest: "
                                "the file was damaged in transit")
    extra = set(seen) - set(manifest.files)
    if extra:
        raise ShippingError(f"files the manifest does not list: {', '.join(sorted(extra))}")
    if format_of(target) != manifest.format or not (target / FORMAT_FILE).is_file():
        raise ShippingError("the index has no FORMAT file")
    if not live_generation_ok(target):
        raise ShippingError("the index is incomplete (no Whoosh index or article store)")
    return manifest


def live_generation_ok(generation: Path) -> bool:
    return (generation / WHOOSH_DIR).is_dir() and (generation / STORE_FILE).is_file()
