"""`flask --app app kb export DIR` and `kb import DIR`: the published articles as a
folder of files in the format the loader reads (a help desk that keeps its knowledge
base in git), thin over app/authoring/files.py."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

from app.authoring.files import export_folder, import_folder
from app.authoring.sandbox import read_bounded
from app.web.recording import engine

# Who the history names for an article imported at the server's shell.
CLI_ACTOR = "(import)"


def init_app(app: Flask) -> None:
    app.cli.add_command(kb_command)


kb_command = AppGroup("kb", help="The articles written in the browser, as files.")


@kb_command.command("export")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
def export_command(folder: Path) -> None:
    """Write every published article (Qnnn.md) and tree (Qnnn.tree.yaml) into FOLDER."""
    count = export_folder(engine(), folder)
    click.echo(f"exported {count} articles to {folder}")


@kb_command.command("import")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
def import_command(folder: Path) -> None:
    """Publish every help-desk article file under FOLDER as a new version (files equal
    to the published version are left alone); `flask index` or the running servers
    then index them."""
    report = import_folder(engine(), folder, author=CLI_ACTOR, check=read_bounded)
    click.echo(f"published {len(report.published)}, unchanged {len(report.unchanged)}, "
               f"refused {len(report.refused)}")
    for label, reason in report.refused:
        click.echo(f"refused {label}: {reason}")
    if report.refused:
        raise SystemExit(1)
