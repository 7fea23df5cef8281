"""Command-line commands: `flask --app covenant_portal <command>`."""
import click
from flask import Flask, current_app

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
def seed_demo_command() -> None:
    """Create demo accounts for every kind of user and print their logins (safe to run again)."""
    from covenant_portal.accounts.passwords import PasswordSettings
    from covenant_portal.demo import login_table, seed_demo

    click.echo(login_table(seed_demo(get_session(), PasswordSettings.from_config(current_app.config), utcnow())))
    _start_up()


def _start_up() -> None:
    for done in run_start_up_steps():
        click.echo(done)


def register_commands(app: Flask) -> None:
    for command in (create_admin_command, load_reference_data_command, seed_demo_command):
        app.cli.add_command(command)
