"""Alembic environment: always run with a connection handed over by covenant_portal.db."""

from alembic import context

from covenant_portal.db import Base
from covenant_portal import models  # noqa: F401  (registers every table on Base.metadata)


def render_item(type_, obj, autogen_context):
    if type_ == "type" and obj.__class__.__name__ == "UTCDateTime":
        autogen_context.imports.add("import covenant_portal.db")
        return "covenant_portal.db.UTCDateTime()"
    return False


def run_migrations() -> None:
    connection = context.config.attributes["connection"]
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        render_item=render_item,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
