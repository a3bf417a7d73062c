"""Alembic's entry point: migrate the connection `upgrade()` hands over, or the
database `-x url=...` names when run as `alembic -c ... upgrade head`."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from app.activity.tables import metadata

config = context.config


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, target_metadata=metadata)
        with context.begin_transaction():
            context.run_migrations()
        return
    url = context.get_x_argument(as_dictionary=True)["url"]
    with create_engine(url).begin() as connection:
        context.configure(connection=connection, target_metadata=metadata)
        with context.begin_transaction():
            context.run_migrations()


run()
