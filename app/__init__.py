"""The knowledge-base troubleshooter: a Flask application factory.

`templates/` and `static/` live at the top of the project, beside this package,
so the factory names them once here.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict | None = None) -> Flask:
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
        TRUSTED_PROXIES=0,
        PUBLIC_URL="",
        DATABASE_URL="",
        ACTIVITY_RETENTION_DAYS=365,
    )
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_prefixed_env()
    else:
        app.config.from_mapping(test_config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    from app.cli import authoring as authoring_cli
    from app.cli import commands
    from app.cli import staff as staff_cli
    from app.web import (
        activity,
        api,
        errors,
        health,
        hosts,
        knowledge,
        overlay,
        pages,
        search,
        staff,
        staff_articles,
        staff_auth,
        staff_edit,
        staff_history,
        troubleshoot,
    )

    hosts.init_app(app)
    knowledge.init_app(app)
    activity.init_app(app)
    commands.init_app(app)
    overlay.init_app(app)
    staff_auth.init_app(app)
    staff_cli.init_app(app)
    authoring_cli.init_app(app)
    staff_history.init_app(app)
    errors.init_app(app)
    app.register_blueprint(pages.bp)
    app.register_blueprint(search.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(staff.bp)
    app.register_blueprint(staff.old)
    app.register_blueprint(staff_auth.bp)
    app.register_blueprint(staff_edit.bp)
    app.register_blueprint(staff_articles.bp)
    app.register_blueprint(staff_history.bp)
    app.register_blueprint(troubleshoot.bp)
    app.register_blueprint(health.bp)
    return app
