"""The data layer kernel: engine, one session per request, typed base, Alembic commands."""

from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import click
import sqlalchemy as sa
from flask import Flask, current_app, g
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

if TYPE_CHECKING:
    from alembic.config import Config as AlembicConfig

# Alembic is imported only where a migration command uses it: it is about a fifth of the portal's
# import time, which every process pays as it starts (web workers, the scheduler, `flask` commands).

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(sa.types.TypeDecorator):
    """Aware datetimes in, aware UTC datetimes out, whatever the database keeps."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are ambiguous: pass an aware datetime in UTC")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


def str_enum(enum_class: type, length: int = 32) -> sa.Enum:
    """A StrEnum column kept as its plain string value (constraints are declared on the table)."""
    return sa.Enum(
        enum_class,
        native_enum=False,
        create_constraint=False,
        length=length,
        values_callable=lambda members: [member.value for member in members],
    )


class Base(DeclarativeBase):
    __table__: ClassVar[sa.Table]  # every model here maps one Table (DeclarativeBase says FromClause)
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime()}


def insert_ignoring_duplicates(session: Session, table: sa.Table, unique_columns: list[str]):
    """INSERT … ON CONFLICT (unique_columns) DO NOTHING, on SQLite and PostgreSQL alike: rows another
    transaction inserted first are skipped, not an error (add .returning() to learn which went in)."""
    from sqlalchemy.dialects.postgresql import insert as postgresql_insert
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    insert = postgresql_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    return insert(table).on_conflict_do_nothing(index_elements=unique_columns)


def next_id(session: Session, model: type[Any]) -> int:
    """The id a new row of `model` will have, for a row that must be named before it exists (a signed
    record's ledger entry, inserted first, names the record)."""
    if session.get_bind().dialect.name == "postgresql":
        table = model.__table__.name
        return session.execute(sa.select(sa.func.nextval(sa.func.pg_get_serial_sequence(table, "id")))).scalar_one()
    # SQLite: every write transaction holds the database's write lock (BEGIN IMMEDIATE), so no other
    # transaction can take the same id meanwhile.
    return (session.scalar(sa.select(sa.func.max(model.id))) or 0) + 1


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def create_db_engine(url: str) -> sa.Engine:
    url = normalise_url(url)
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"timeout": 30})
        _use_sqlite_transactions_properly(engine)
        return engine
    return sa.create_engine(url, pool_pre_ping=True)


def normalise_url(url: str) -> str:
    """Accept the postgres:// and postgresql:// forms hosting platforms hand out; use psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _use_sqlite_transactions_properly(engine: sa.Engine) -> None:
    # pysqlite's own transaction handling breaks SAVEPOINT and defers BEGIN; take it over,
    # as the SQLAlchemy SQLite dialect documentation recommends, and enforce foreign keys.
    @sa.event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()
        # SQLite's lower() knows only ASCII letters: names are ordered by Python's own casefold.
        dbapi_connection.create_function("casefold", 1, _casefold, deterministic=True)

    @sa.event.listens_for(engine, "begin")
    def on_begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def _casefold(text):
    return text.casefold() if isinstance(text, str) else text


def casefolded(session: Session, column) -> sa.ColumnElement:
    """An ORDER BY key that sorts text as Python sorts `text.casefold()`: Python's casefold itself on
    SQLite; on PostgreSQL lower() compared code point by code point (COLLATE "C"), not by locale."""
    if session.get_bind().dialect.name == "postgresql":
        return sa.func.lower(column).collate("C")
    return sa.func.casefold(column)


class Database:
    """The app's engine and session factory, kept in app.extensions['db']."""

    def __init__(self, url: str):
        self.engine = create_db_engine(url)
        self.session_factory = sessionmaker(bind=self.engine, expire_on_commit=False)


def init_app(app: Flask) -> None:
    app.extensions["db"] = Database(app.config["DATABASE_URL"])
    app.teardown_appcontext(close_session)
    app.cli.add_command(db_cli)


def database() -> Database:
    return current_app.extensions["db"]


def get_session() -> Session:
    """The session of this request (or CLI command), opened on first use."""
    if "db_session" not in g:
        g.db_session = database().session_factory()
    return g.db_session


def close_session(_exc=None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()


def run_start_up_steps(app: Flask | None = None) -> list[str]:
    """Each area's start-up steps (its `Area.start_up`: return periods, the published signing key …),
    in one session, with the time now; what each did. Run by `flask db upgrade`, `load-reference-data`,
    `seed-demo` and the scheduler as it starts, so that pages only read."""
    app = app or current_app
    with app.app_context():
        session = app.extensions["db"].session_factory()
        try:
            return [step(session, utcnow()) for step in app.extensions.get("start_up", ())]
        finally:
            session.close()


def alembic_config(connection: sa.Connection | None = None) -> "AlembicConfig":
    from alembic.config import Config as AlembicConfig

    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


def upgrade_database(engine: sa.Engine, revision: str = "head") -> None:
    from alembic import command

    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), revision)


@click.group("db")
def db_cli():
    """Database schema commands (Alembic migrations are the only way the schema is made)."""


@db_cli.command("upgrade")
@click.argument("revision", default="head")
def upgrade_command(revision):
    """Apply migrations up to REVISION (default: head), then run the start-up steps."""
    upgrade_database(database().engine, revision)
    click.echo(f"Database upgraded to {revision}.")
    if revision == "head":
        for done in run_start_up_steps():
            click.echo(done)


@db_cli.command("downgrade")
@click.argument("revision")
def downgrade_command(revision):
    """Revert migrations down to REVISION."""
    from alembic import command

    with database().engine.begin() as connection:
        command.downgrade(alembic_config(connection), revision)


@db_cli.command("current")
def current_command():
    """Show the revision the database is at."""
    from alembic import command

    with database().engine.begin() as connection:
        command.current(alembic_config(connection))


@db_cli.command("revision")
@click.option("-m", "--message", required=True)
def revision_command(message):
    """Autogenerate a migration from the models."""
    from alembic import command

    with database().engine.begin() as connection:
        command.revision(alembic_config(connection), message=message, autogenerate=True)
