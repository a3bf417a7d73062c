"""The knowledge-base troubleshooter: a Flask application factory.

`templates/` and `static/` live at the top of the project, beside this package,
so the factory names them once here.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict | None = None) -> Flask:
    """The application: every setting's default here and only here (the README's
    settings table lists them), then instance/config.py and the FLASK_ environment
    (or `test_config`), then each area's blueprint and command."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    app.config.from_mapping(
        SECRET_KEY="dev",
        KB_DIR=str(PROJECT_ROOT / "kb"),
        INDEX_DIR=str(Path(app.instance_path) / "index"),
        INDEX_REFRESH_SECONDS=2.0,
        ACTIVITY_DB=str(Path(app.instance_path) / "activity.sqlite"),
        HELPDESK_CONTACT="",
        HELPDESK_TICKET_URL="",
        FEEDBACK_RATE_LIMIT=10,
        FEEDBACK_RATE_WINDOW=60,
        TRUSTED_PROXIES=0,
        PUBLIC_URL="",
        DATABASE_URL="",
        ACTIVITY_RETENTION_DAYS=365,
        STAFF_SSO_HEADER="",
        STAFF_SSO_PROXIES="127.0.0.1 ::1",
        STAFF_CHECK_SECONDS=1.0,
        AUTHORING_CHECK_SECONDS=2.0,
    )
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_prefixed_env()
    else:
        app.config.from_mapping(test_config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    _register(app)
    return app


def _register(app: Flask) -> None:
    """Each area's extension, command and blueprint, in the order they lean on each
    other (the activity database before the staff layer that keeps its tables there)."""
    from app.cli import authoring as authoring_cli
    from app.cli import commands
    from app.cli import staff as staff_cli
    from app.web import (
        api,
        errors,
        filters,
        health,
        hosts,
        images,
        insights,
        knowledge,
        overlay,
        pages,
        recording,
        search_pages,
        staff,
        staff_articles,
        staff_auth,
        staff_edit,
        staff_history,
        troubleshoot,
    )

    for area in (hosts, knowledge, recording, commands, overlay, staff_auth, staff_cli,
                 authoring_cli, staff_history, errors, filters):
        area.init_app(app)
    for blueprint in (pages.bp, search_pages.bp, api.bp, staff.bp, staff.old, staff_auth.bp,
                      staff_edit.bp, staff_articles.bp, staff_history.bp, insights.bp,
                      troubleshoot.bp, health.bp, images.bp):
        app.register_blueprint(blueprint)
