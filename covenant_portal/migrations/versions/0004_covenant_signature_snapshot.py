"""covenant signatures keep the organisation's details as signed, and when the signer signed in

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 12:05:00
"""

import base64
import json
from datetime import datetime

from alembic import op
import sqlalchemy as sa
import covenant_portal.db

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

SNAPSHOT_COLUMNS = {
    # column: (key of the signed predicate's "organisation" object, or of its sign-in record)
    "organisation_name": "name",
    "organisation_companies_house_number": "companiesHouseNumber",
    "organisation_charity_number": "charityNumber",
    "organisation_ofsted_provider_urn": "ofstedProviderUrn",
}


def upgrade() -> None:
    with op.batch_alter_table("covenant_signature", schema=None) as batch_op:
        batch_op.add_column(sa.Column("organisation_name", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("organisation_companies_house_number", sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column("organisation_charity_number", sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column("organisation_ofsted_provider_urn", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("signer_signed_in_at", covenant_portal.db.UTCDateTime(), nullable=True))
    _copy_signed_facts_from_the_ledger()
    with op.batch_alter_table("covenant_signature", schema=None) as batch_op:
        batch_op.alter_column("organisation_name", existing_type=sa.String(length=200), nullable=False)


def _copy_signed_facts_from_the_ledger() -> None:
    """Existing signatures take these facts from their own signed statements, so the new columns
    say exactly what was signed."""
    connection = op.get_bind()
    rows = connection.execute(
        sa.text(
            "SELECT covenant_signature.id, ledger_entry.envelope FROM covenant_signature "
            "JOIN ledger_entry ON ledger_entry.seq = covenant_signature.ledger_seq"
        )
    ).all()
    for signature_id, envelope in rows:
        envelope = bytes(envelope)
        predicate = json.loads(base64.b64decode(json.loads(envelope)["payload"]))["predicate"]
        organisation = predicate["organisation"]
        values = {column: organisation.get(key) for column, key in SNAPSHOT_COLUMNS.items()}
        signed_in_at = predicate["ceremony"]["authentication"].get("signedInAt")
        values["signer_signed_in_at"] = datetime.fromisoformat(signed_in_at) if signed_in_at else None
        assignments = ", ".join(f"{column} = :{column}" for column in values)
        update = sa.text(f"UPDATE covenant_signature SET {assignments} WHERE id = :id").bindparams(
            sa.bindparam("signer_signed_in_at", type_=covenant_portal.db.UTCDateTime())
        )
        connection.execute(update, {**values, "id": signature_id})


def downgrade() -> None:
    with op.batch_alter_table("covenant_signature", schema=None) as batch_op:
        batch_op.drop_column("signer_signed_in_at")
        batch_op.drop_column("organisation_ofsted_provider_urn")
        batch_op.drop_column("organisation_charity_number")
        batch_op.drop_column("organisation_companies_house_number")
        batch_op.drop_column("organisation_name")
