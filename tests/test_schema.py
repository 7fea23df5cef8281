"""The schema the migrations build is exactly the one the models describe, on both databases,
and the database enforces what the models rely on."""

from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.exc import IntegrityError, StatementError

from covenant_portal import models  # noqa: F401  (registers every table, as migrations/env.py does)
from covenant_portal.accounts.models import User
from covenant_portal.access import Role
from covenant_portal.db import Base
from tests.factories import create_user


def test_migrations_build_exactly_the_tables_the_models_describe(migrated_engine):
    with migrated_engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={
                "target_metadata": Base.metadata,
                "compare_type": True,
                "render_as_batch": connection.dialect.name == "sqlite",
            },
        )
        differences = compare_metadata(context, Base.metadata)
    assert differences == [], "the models and the migrations differ: write a migration"


def test_migrations_build_the_check_constraints_the_models_declare(migrated_engine):
    # Alembic's comparison does not look at CHECK constraints, so compare them by name.
    inspector = sa.inspect(migrated_engine)
    compared = 0
    for table in Base.metadata.sorted_tables:
        declared = {
            constraint.name
            for constraint in table.constraints
            if isinstance(constraint, sa.CheckConstraint) and constraint.name
        }
        built = {constraint["name"] for constraint in inspector.get_check_constraints(table.name)}
        assert declared <= built, (table.name, declared - built)
        compared += len(declared)
    assert compared, "no CHECK constraint was compared"


def test_foreign_keys_are_enforced(db_session):
    with pytest.raises(IntegrityError):
        with db_session.begin_nested():
            create_user(db_session, Role.PROVIDER, organisation_id=987654)


def test_check_constraints_are_enforced(db_session):
    with pytest.raises(IntegrityError):
        with db_session.begin_nested():
            create_user(db_session, Role.ESCALATION_OFFICER, organisation_id=create_user(db_session).organisation_id)


def test_naive_datetimes_are_refused(db_session):
    with pytest.raises(StatementError, match="naive datetimes are ambiguous"):
        with db_session.begin_nested():
            create_user(db_session, Role.ADMIN, created_at=datetime(2026, 3, 29, 1, 30))  # noqa: DTZ001


def test_datetimes_come_back_as_the_same_instant_in_utc(db_session):
    in_new_york = timezone(timedelta(hours=-5))
    user = create_user(db_session, Role.ADMIN, created_at=datetime(2026, 1, 10, 7, 15, 30, 123456, tzinfo=in_new_york))
    db_session.expire_all()

    created_at = db_session.scalar(sa.select(User.created_at).where(User.id == user.id))
    assert created_at.tzinfo == timezone.utc
    assert created_at == datetime(2026, 1, 10, 12, 15, 30, 123456, tzinfo=timezone.utc)
