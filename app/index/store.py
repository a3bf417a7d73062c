"""The article store: every parsed and rendered article, beside the Whoosh index.

Whoosh answers "which articles"; this SQLite file answers "what is in article X"
in one primary-key read, so an article page never parses or renders anything. It
also remembers each source file's size and mtime, which is what makes an
incremental `index` run touch only what changed.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from app.articles.facts import Facts, facts_from_json, facts_of, facts_to_json
from app.articles.ids import permalink_for
from app.articles.model import Article, article_from_dict, article_to_dict
from app.articles.sections import excerpt
from app.text.slugs import product_slug

STORE_FILE = "articles.sqlite"

SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    id TEXT PRIMARY KEY,
    path TEXT NOT NULL,
    title TEXT NOT NULL,
    date TEXT,
    facts TEXT NOT NULL,
    said TEXT NOT NULL,
    excerpt TEXT NOT NULL,  -- JSON list: what a result's snippet is drawn from
    data TEXT NOT NULL      -- last: the short columns are read without its overflow pages
);
CREATE TABLE IF NOT EXISTS article_products (
    article_id TEXT NOT NULL,
    product TEXT NOT NULL,
    slug TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS article_products_slug ON article_products (slug);
CREATE INDEX IF NOT EXISTS article_products_article ON article_products (article_id);
CREATE TABLE IF NOT EXISTS files (
    path TEXT PRIMARY KEY,
    mtime_ns INTEGER NOT NULL,
    size INTEGER NOT NULL,
    article_id TEXT,
    skipped TEXT
);
CREATE TABLE IF NOT EXISTS vocabulary (
    word TEXT PRIMARY KEY,
    articles INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS trees (
    path TEXT PRIMARY KEY,       -- the tree file, relative to KB_DIR
    article_path TEXT NOT NULL,  -- the article file it belongs to
    mtime_ns INTEGER NOT NULL,
    size INTEGER NOT NULL,
    tree TEXT,                   -- the parsed tree as JSON (NULL: unreadable)
    problems TEXT NOT NULL       -- JSON list; a tree with problems is never served
);
CREATE INDEX IF NOT EXISTS trees_article ON trees (article_path);
"""

# Readers wait at most this long for a lock; in WAL mode they never need one
# the writer holds, so this only matters while the journal mode is being set.
BUSY_MS = 5000


@dataclass(frozen=True)
class TreeRow:
    path: str
    article_path: str
    mtime_ns: int
    size: int
    tree: str | None
    problems: list[str]


@dataclass(frozen=True)
class StoredArticle:
    """An article as the store keeps it, serialised once, in the worker process that
    parsed it: the writing process only inserts rows."""

    id: str
    path: str
    title: str
    date: str | None
    products: tuple[str, ...]
    data: str
    facts: str   # what the wizard asks about (app/articles/facts.py), as JSON
    said: str    # title, messages and symptoms, normalised: where a paste is found quoted
    excerpt: str  # what a search result's snippet is drawn from, as JSON

    @classmethod
    def of(cls, article: Article) -> StoredArticle:
        facts = facts_of(article)
        return cls(
            id=article.id,
            path=article.source_path,
            title=article.title,
            date=article.last_modified.isoformat() if article.last_modified else None,
            products=tuple(article.products),
            data=json.dumps(article_to_dict(article), separators=(",", ":")),
            facts=facts_to_json(facts),
            said=facts.text,
            excerpt=json.dumps(excerpt(article), separators=(",", ":")),
        )


@dataclass(frozen=True)
class FileState:
    mtime_ns: int
    size: int
    article_id: str | None
    skipped: str | None


@dataclass(frozen=True)
class ProductCount:
    name: str
    slug: str
    count: int


class ArticleStore:
    """One connection per instance: open one per thread (SQLite's rule).

    The file is in WAL mode: the writer appends to `articles.sqlite-wal` and readers
    keep reading the last committed state, never blocked by it. A writer killed
    mid-transaction leaves only uncommitted frames that every reader ignores; in the
    old rollback mode it left a hot journal that read-only connections cannot roll
    back, and every page failed until the next run.
    """

    def __init__(self, index_dir: Path, *, readonly: bool = False) -> None:
        path = Path(index_dir) / STORE_FILE
        if readonly:
            self.db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False,
                                      timeout=BUSY_MS / 1000)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(path, timeout=BUSY_MS / 1000)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.executescript(SCHEMA)
        self.db.row_factory = sqlite3.Row

    def close(self) -> None:
        self.db.close()

    # -- written by the indexer -------------------------------------------------

    def put(self, article: StoredArticle, mtime_ns: int, size: int) -> None:
        self.db.execute("DELETE FROM article_products WHERE article_id = ?", (article.id,))
        self.db.execute(
            "INSERT OR REPLACE INTO articles"
            " (id, path, title, date, facts, said, excerpt, data)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (article.id, article.path, article.title, article.date, article.facts,
             article.said, article.excerpt, article.data),
        )
        self.db.executemany(
            "INSERT INTO article_products (article_id, product, slug) VALUES (?, ?, ?)",
            [(article.id, product, product_slug(product)) for product in article.products],
        )
        self.record_file(article.path, mtime_ns, size, article_id=article.id)

    def record_file(
        self, path: str, mtime_ns: int, size: int, *, article_id: str | None = None,
        skipped: str | None = None,
    ) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO files (path, mtime_ns, size, article_id, skipped)"
            " VALUES (?, ?, ?, ?, ?)",
            (path, mtime_ns, size, article_id, skipped),
        )

    def forget_file(self, path: str) -> str | None:
        """Drop a source file; returns the id of the article it held, if any."""
        row = self.db.execute("SELECT article_id FROM files WHERE path = ?", (path,)).fetchone()
        self.db.execute("DELETE FROM files WHERE path = ?", (path,))
        article_id = row["article_id"] if row else None
        if article_id:
            self.db.execute("DELETE FROM articles WHERE id = ?", (article_id,))
            self.db.execute("DELETE FROM article_products WHERE article_id = ?", (article_id,))
        return article_id

    def count_words(self, articles_per_word: Counter[str]) -> None:
        """Add each word's change in articles (negative for articles that left)."""
        self.db.executemany(
            "INSERT INTO vocabulary (word, articles) VALUES (?, ?) ON CONFLICT (word)"
            " DO UPDATE SET articles = articles + excluded.articles",
            ((word, change) for word, change in articles_per_word.items() if change),
        )
        self.db.execute("DELETE FROM vocabulary WHERE articles <= 0")

    def put_tree(self, row: TreeRow) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO trees (path, article_path, mtime_ns, size, tree, problems)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (row.path, row.article_path, row.mtime_ns, row.size, row.tree,
             json.dumps(row.problems)),
        )

    def forget_tree(self, path: str) -> None:
        self.db.execute("DELETE FROM trees WHERE path = ?", (path,))

    def commit(self) -> None:
        self.db.commit()

    def file_states(self, under: str | None = None) -> dict[str, FileState]:
        """Every source file's state, or only those in the folder `under` (one range
        of the primary key: a scoped run does not read the archive's 60,000)."""
        if under is None:
            return self._states("")
        return self._states(" WHERE path >= ? AND path < ?", f"{under}/", f"{under}0")

    def states_skipped_with(self, reason_prefix: str) -> dict[str, FileState]:
        """The files skipped for a reason that begins with `reason_prefix`."""
        return self._states(" WHERE substr(skipped, 1, ?) = ?", len(reason_prefix),
                            reason_prefix)

    def states_of(self, paths: Iterable[str]) -> dict[str, FileState]:
        return self._states(" WHERE path IN (SELECT value FROM json_each(?))",
                            json.dumps(list(paths)))

    def _states(self, where: str, *parameters: object) -> dict[str, FileState]:
        rows = self.db.execute(
            "SELECT path, mtime_ns, size, article_id, skipped FROM files" + where, parameters)
        return {row["path"]: FileState(*tuple(row)[1:]) for row in rows}

    def count_files_outside(self, under: str) -> int:
        return self.db.execute("SELECT COUNT(*) FROM files WHERE path < ? OR path >= ?",
                               (f"{under}/", f"{under}0")).fetchone()[0]

    def tree_rows(self) -> dict[str, TreeRow]:
        """Every authored tree read at index time, by tree file."""
        rows = self.db.execute("SELECT path, article_path, mtime_ns, size, tree, problems"
                               " FROM trees ORDER BY path")
        return {row[0]: TreeRow(*tuple(row)[:5], json.loads(row[5])) for row in rows}

    def tree_of(self, article_path: str) -> TreeRow | None:
        """The tree authored for the article in `article_path`, as the index read it."""
        try:
            row = self.db.execute(
                "SELECT path, article_path, mtime_ns, size, tree, problems FROM trees"
                " WHERE article_path = ?", (article_path,)).fetchone()
        except sqlite3.OperationalError:   # a store written before trees were kept
            return None
        return TreeRow(*tuple(row)[:5], json.loads(row[5])) if row else None

    def path_of(self, article_id: str) -> str | None:
        row = self.db.execute("SELECT path FROM articles WHERE id = ?", (article_id,)).fetchone()
        return row["path"] if row else None

    # -- read by the web app ----------------------------------------------------

    def get(self, article_id: str) -> Article | None:
        row = self.db.execute("SELECT data FROM articles WHERE id = ?", (article_id,)).fetchone()
        return article_from_dict(json.loads(row["data"])) if row else None

    def excerpts(self, article_ids: list[str]) -> dict[str, list[str]]:
        """What each search result's snippet is drawn from (app/articles/sections.py)."""
        marks = ",".join("?" * len(article_ids))
        rows = self.db.execute(
            f"SELECT id, excerpt FROM articles WHERE id IN ({marks})", article_ids)
        return {row[0]: json.loads(row[1]) for row in rows}

    def facts(self, article_ids: list[str]) -> dict[str, Facts]:
        """What the wizard asks about, for each of these articles that exists."""
        marks = ",".join("?" * len(article_ids))
        rows = self.db.execute(
            f"SELECT id, title, facts, said FROM articles WHERE id IN ({marks})", article_ids)
        return {row[0]: facts_from_json(row[0], row[1], permalink_for(row[0]), row[2], row[3])
                for row in rows}

    def quoting(self, article_ids: list[str], phrase: str) -> set[str]:
        """Which of these articles quote `phrase` (normalised words) word for word."""
        if not article_ids or not phrase:
            return set()
        marks = ",".join("?" * len(article_ids))
        rows = self.db.execute(
            f"SELECT id FROM articles WHERE id IN ({marks}) AND instr(said, ?) > 0",
            [*article_ids, phrase])
        return {row[0] for row in rows}

    def titles(self, article_ids: list[str]) -> dict[str, str]:
        marks = ",".join("?" * len(article_ids))
        rows = self.db.execute(f"SELECT id, title FROM articles WHERE id IN ({marks})", article_ids)
        return {row["id"]: row["title"] for row in rows}

    def word_frequencies(self, words: Iterable[str]) -> dict[str, int]:
        """Articles using each of the words that any article uses ("did you mean")."""
        rows = self.db.execute(
            "SELECT word, articles FROM vocabulary WHERE word IN (SELECT value FROM json_each(?))",
            (json.dumps(list(words)),),
        )
        return {row["word"]: row["articles"] for row in rows}

    def count(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]

    def skipped(self) -> list[tuple[str, str]]:
        rows = self.db.execute(
            "SELECT path, skipped FROM files WHERE skipped IS NOT NULL ORDER BY path"
        )
        return [(row["path"], row["skipped"]) for row in rows]

    def products(self) -> list[ProductCount]:
        rows = self.db.execute(
            "SELECT product, slug, COUNT(*) AS n FROM article_products"
            " GROUP BY slug ORDER BY n DESC, product"
        )
        return [ProductCount(row["product"], row["slug"], row["n"]) for row in rows]

    def articles_of_product(self, slug: str, offset: int, limit: int) -> list[dict]:
        rows = self.db.execute(
            "SELECT a.id, a.title, a.date FROM article_products p JOIN articles a"
            " ON a.id = p.article_id WHERE p.slug = ?"
            " ORDER BY a.date IS NULL, a.date DESC, a.id LIMIT ? OFFSET ?",
            (slug, limit, offset),
        )
        return [dict(row) for row in rows]
