"""The published articles as files: the copy the index run reads, and the export and
import of a folder (a help desk that keeps its knowledge base in git).

The index run reads files, so before it scans KB_DIR it writes what the database
publishes into `KB_DIR/_authored/` (`Q900101.md`, `Q900101.tree.yaml`): only the files
whose text changed, each by an atomic rename, and it removes those no longer
published. Unchanged files keep their modification time, so an incremental run reads
again only what was published since. The folder is a copy: the database is the
source of truth, and hand edits there are overwritten by the next run.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine

from app.articles.ids import article_id
from app.articles.loader import ArticleError, read_text
from app.articles.trees import MAX_TREE_BYTES, tree_path_for
from app.authoring.source import decompose
from app.authoring.versions import latest, publish, published
from app.staff.audit import RefusedError

AUTHORED_DIR = "_authored"
TREE_SUFFIX = ".tree.yaml"


def _write_if_changed(path: Path, text: str) -> bool:
    try:
        if path.read_text(encoding="utf-8") == text:
            return False
    except (OSError, UnicodeDecodeError):
        pass
    partial = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, path)
    return True


def write_published(engine: Engine, folder: Path, *, prune: bool) -> int:
    """Write the published articles and trees into `folder` (with `prune`, also remove
    the article and tree files no longer published); how many files changed."""
    folder.mkdir(parents=True, exist_ok=True)
    wanted: dict[str, str] = {}
    for found in published(engine):
        wanted[f"{found.article_id}.md"] = found.source
        if found.tree:
            wanted[f"{found.article_id}{TREE_SUFFIX}"] = found.tree
    changed = 0
    for name, text in wanted.items():
        changed += _write_if_changed(folder / name, text)
    if prune:
        for path in folder.iterdir():
            if path.name.endswith((".md", TREE_SUFFIX)) and path.name not in wanted:
                path.unlink(missing_ok=True)
                changed += 1
    return changed


def materialise(engine: Engine, kb_dir: Path) -> int:
    """The copy the index run reads, in KB_DIR/_authored (see the module docstring)."""
    return write_published(engine, Path(kb_dir) / AUTHORED_DIR, prune=True)


@dataclass
class ImportReport:
    published: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)


def import_folder(engine: Engine, folder: Path, *, author: str, check=None) -> ImportReport:
    """Publish every help-desk article file under `folder` (with its tree beside it),
    each as a new version; files equal to the published version are left alone.
    `check(source)` may refuse one (raising ArticleError or RefusedError) before it
    is published: the caller reads it as the editor does."""
    report = ImportReport()
    for path in sorted(Path(folder).rglob("*.md")):
        label = str(path.relative_to(folder))
        try:
            source = read_text(path)
            if "{% raw %}" in source:
                raise ArticleError("an archive article (only help-desk articles are imported)")
            fields = decompose(source)
            identifier = article_id(fields.id)
            if identifier is None:
                raise ArticleError("front matter has no valid 'id' (e.g. id: Q900001)")
            tree_file = tree_path_for(path)
            tree = _tree_text(tree_file) if tree_file.is_file() else ""
            current = latest(engine, identifier)
            if current and not current.deleted and (current.source, current.tree) == (source,
                                                                                       tree):
                report.unchanged.append(identifier)
                continue
            if check is not None:
                check(source)
            publish(engine, identifier, source, tree, base=current.number if current else 0,
                    author=author, summary=f"Imported from {label}", title=fields.title)
            report.published.append(identifier)
        except (ArticleError, RefusedError) as error:
            report.refused.append((label, str(error)))
    return report


def _tree_text(path: Path) -> str:
    if path.stat().st_size > MAX_TREE_BYTES:
        raise ArticleError(f"{path.name}: larger than {MAX_TREE_BYTES // 1000} KB")
    return read_text(path)


def export_folder(engine: Engine, folder: Path) -> int:
    """Write every published article (and tree) into `folder`, the format the loader
    reads; returns how many articles."""
    write_published(engine, Path(folder), prune=False)
    return len(published(engine))

