"""`flask --app app staff`: add, re-password, disable and list staff accounts, thin
over app/staff/accounts.py. Passwords are asked for (twice, hidden), never taken from
the command line, where the shell's history and `ps` would keep them."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from app.staff.accounts import ROLES, add_account, disable, list_accounts, set_password
from app.staff.audit import RefusedError
from app.web.recording import engine

# Who the audit log names for a change made at the server's shell.
CLI_ACTOR = "(command line)"


def init_app(app: Flask) -> None:
    app.cli.add_command(staff_command)


staff_command = AppGroup("staff", help="Staff accounts: who may sign in to /staff/, "
                                        "with which role.")


def _run(change) -> None:
    try:
        change()
    except RefusedError as refused:
        raise click.ClickException(refused.message) from refused


@staff_command.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), required=True,
              help="agent: notes; editor: also pins, retires, review dates; "
                   "lead: also accounts and the audit log.")
@click.option("--sso", is_flag=True, help="No password: signs in only through STAFF_SSO_HEADER.")
def add_command(name: str, role: str, sso: bool) -> None:
    """Add a staff account."""
    password = "" if sso else click.prompt("Password (10 characters or more)",
                                           hide_input=True, confirmation_prompt=True)
    _run(lambda: add_account(engine(), name, role, password, actor=CLI_ACTOR))
    click.echo(f"added {name.strip().lower()} ({role})")


@staff_command.command("passwd")
@click.argument("name")
@click.password_option(prompt="New password (10 characters or more)")
def passwd_command(name: str, password: str) -> None:
    """Set an account's password (and enable it again); its sessions end."""
    _run(lambda: set_password(engine(), name, password, actor=CLI_ACTOR))
    click.echo(f"password of {name.strip().lower()} changed; its sessions were ended")


@staff_command.command("disable")
@click.argument("name")
def disable_command(name: str) -> None:
    """Disable an account: it cannot sign in, and its sessions end."""
    _run(lambda: disable(engine(), name, actor=CLI_ACTOR))
    click.echo(f"disabled {name.strip().lower()}")


@staff_command.command("list")
def list_command() -> None:
    """Every account, its role, and whether it is disabled."""
    for account in list_accounts(engine()):
        state = "\tdisabled" if account.disabled else ""
        click.echo(f"{account.name}\t{account.role}{state}")
