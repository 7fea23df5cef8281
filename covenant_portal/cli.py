"""Command-line commands: `flask --app covenant_portal <command>`."""

from datetime import datetime, time, timezone

import click
from flask import Flask, current_app

from covenant_portal.filters import LONDON
from covenant_portal.db import get_session, run_start_up_steps, utcnow


@click.command("create-admin")
@click.option("--email", prompt=True)
@click.option("--name", "full_name", prompt="Full name")
@click.password_option()
def create_admin_command(email: str, full_name: str, password: str) -> None:
    """Create a portal administrator (the first admin; later ones can be invited)."""
    from covenant_portal.accounts.management import create_admin
    from covenant_portal.accounts.passwords import PasswordSettings
    from covenant_portal.accounts.service import AccountError

    passwords = PasswordSettings.from_config(current_app.config)
    try:
        user = create_admin(get_session(), passwords, email, full_name, password, utcnow())
    except AccountError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Created admin {user.email}.")


@click.command("load-reference-data")
def load_reference_data_command() -> None:
    """Load the ten GM local authorities and version 1 of the covenant (safe to run again)."""
    from covenant_portal.reference import load_covenant, load_local_authorities

    added = load_local_authorities(get_session())
    covenant = "covenant version 1 published" if load_covenant(get_session()) else "covenant version 1 already there"
    click.echo(f"Reference data loaded ({added} local authorities added; {covenant}).")
    _start_up()


@click.command("seed-demo")
@click.option(
    "--as-of",
    help="Make the demo as if today were this date (YYYY-MM-DD: 18:00 that day) or date-time "
    "(YYYY-MM-DDTHH:MM, Europe/London unless it gives an offset). Default: now.",
)
def seed_demo_command(as_of: str | None) -> None:
    """Create the demo: three years of use by eight providers, with logins for every kind of user,
    and print the logins (safe to run again: what is there is kept)."""
    from covenant_portal.demo import DemoSettings, login_table, seed_demo

    now = _as_of(as_of) if as_of else utcnow()
    click.echo(login_table(seed_demo(get_session(), DemoSettings.from_app(current_app), now)))
    _start_up()


def _as_of(text: str) -> datetime:
    from covenant_portal.jobs.cli import parse_date_or_moment

    return parse_date_or_moment(text, lambda day: datetime.combine(day, time(18), LONDON)).astimezone(timezone.utc)


def _start_up() -> None:
    for done in run_start_up_steps():
        click.echo(done)


def register_commands(app: Flask) -> None:
    for command in (create_admin_command, load_reference_data_command, seed_demo_command):
        app.cli.add_command(command)
