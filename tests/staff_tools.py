"""Staff accounts and signed-in clients for the staff tests."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, func, select

from app.staff import tables
from app.staff.accounts import add_account
from tests.htmltools import parse

PASSWORD = "correct horse battery"


def engine_of(app: Flask) -> Engine:
    return app.extensions["activity_engine"]


def add(app: Flask, name: str, role: str) -> None:
    add_account(engine_of(app), name, role, PASSWORD, actor="test")


def token_on(client: FlaskClient, path: str) -> str:
    """The staff form token of a page (every staff form carries the same one)."""
    doc = parse(client.get(path).get_data(as_text=True))
    return doc.find("input", name="token").attrs["value"]


def sign_in(client: FlaskClient, name: str, password: str = PASSWORD):
    token = token_on(client, "/staff/sign-in")
    return client.post("/staff/sign-in", data={"token": token, "name": name,
                                               "password": password})


def signed_in(app: Flask, name: str, role: str) -> FlaskClient:
    """A client signed in as a new account with this role."""
    add(app, name, role)
    client = app.test_client()
    assert sign_in(client, name).status_code == 303
    return client


def stored(app: Flask) -> dict[str, int]:
    """Rows in each overlay table: what a refused request must not have added to."""
    with engine_of(app).connect() as db:
        return {table.name: db.execute(select(func.count()).select_from(table)).scalar_one()
                for table in (tables.notes, tables.retired, tables.reviews, tables.pins,
                              tables.accounts)}
