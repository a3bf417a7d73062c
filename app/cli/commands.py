"""Command-line entry points: thin click wrappers over plain functions."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from tqdm import tqdm

from app.index.build import Collect, build_index
from app.index.disk import disk_full, reason
from app.index.generations import IndexBusyError
from app.index.runs import BuildReport


def init_app(app: Flask) -> None:
    app.cli.add_command(index_command)
    app.cli.add_command(check_command)


def format_report(report: BuildReport) -> str:
    lines = [
        f"indexed {report.indexed}, updated {report.updated}, deleted {report.deleted}, "
        f"unchanged {report.unchanged}, skipped {len(report.skipped)} "
        f"in {report.seconds:.1f} s -> {report.index_dir}"
    ]
    if report.repaired:
        lines.append(f"repaired {report.repaired} files an interrupted run had left half-applied")
    if report.leftovers:
        lines.append(f"removed {report.leftovers} folders of interrupted rebuilds")
    if report.compacted:
        lines.append("compacted the index (many segments or deleted documents)")
    lines.extend(f"skipped {path}: {reason}" for path, reason in report.skipped)
    return "\n".join(lines)


@click.command("index")
@with_appcontext
@click.option("--rebuild", is_flag=True, help="Build a new index from scratch and swap it in.")
@click.option("--procs", default=2, show_default=True, help="Worker processes.")
@click.option("--export", "export_to", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the live index to one file, to ship to other machines.")
@click.option("--import", "import_from",
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Verify an exported index file and swap it in (while serving).")
def index_command(rebuild: bool, procs: int, export_to: Path | None,
                  import_from: Path | None) -> None:
    """Build or update the search index of KB_DIR (only changed files are read)."""
    kb_dir = Path(current_app.config["KB_DIR"])
    index_dir = Path(current_app.config["INDEX_DIR"])
    if export_to or import_from:
        from app.index.shipping import ShippingError, export_index, import_index

        try:
            done = (export_index(index_dir, export_to) if export_to
                    else import_index(index_dir, import_from))
        except (ShippingError, IndexBusyError) as error:
            raise click.ClickException(str(error)) from None
        click.echo(f"{'exported' if export_to else 'imported'} {done.summary()}")
        return
    click.echo(f"indexing {kb_dir} -> {index_dir}")
    with tqdm(unit="article", dynamic_ncols=True, disable=None) as bar:

        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.update(done - bar.n)

        try:
            report = build_index(kb_dir, index_dir, rebuild=rebuild, procs=procs,
                                 progress=progress, collect=collect_authored())
        except (FileNotFoundError, IndexBusyError) as error:
            raise click.ClickException(str(error)) from None
        except Exception as error:
            full = disk_full(error, index_dir.parent)
            if full is None:
                raise
            raise click.ClickException(disk_full_message(index_dir, full)) from None
    click.echo(format_report(report))


def collect_authored() -> Collect:
    """What the index run calls to write the published articles of the database into
    KB_DIR/_authored before it scans (app/authoring/files.py). The command's own
    engine: it may wait longer than a request."""
    from sqlalchemy.exc import SQLAlchemyError

    from app.activity.database import MAINTENANCE_TIMEOUT, database_url, make_engine
    from app.authoring.files import AUTHORED_DIR, materialise

    config = current_app.config
    url = database_url(config["DATABASE_URL"], config["ACTIVITY_DB"])
    database = make_engine(url, MAINTENANCE_TIMEOUT)

    def collect(kb_dir: Path) -> None:
        # The run must not fail for a database that is away: the folder still holds
        # what the last run wrote, and every instance's follower catches up later.
        try:
            materialise(database, kb_dir)
        except SQLAlchemyError as error:
            cause = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
            click.echo(f"warning: the database could not be read ({cause[:160]}); the "
                       "help desk's published articles are indexed as the last run wrote "
                       f"them in {Path(kb_dir) / AUTHORED_DIR}", err=True)

    return collect


def disk_full_message(index_dir: Path, error: BaseException) -> str:
    return (f"the disk holding {index_dir.parent} is full ({reason(error)}): the run "
            "stopped. The live index still serves, unchanged; what the run had written "
            "was removed. Free space and run again.")


@click.command("check")
@with_appcontext
@click.option("--show", default=20, show_default=True, help="Article ids listed per finding.")
def check_command(show: int) -> None:
    """Lint the knowledge base: authored trees, and articles the wizard cannot reach."""
    from app.web.knowledge import get_kb
    from app.wizard.check import check_knowledge_base

    report = check_knowledge_base(Path(current_app.config["KB_DIR"]), get_kb().store())
    click.echo(report.format(show))
    if report.problems:
        raise SystemExit(1)
