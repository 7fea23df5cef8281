"""covenant versions and signatures, provider homes, named contacts

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 09:34:51.504825
"""

from alembic import op
import sqlalchemy as sa
import covenant_portal.db

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "provider_home",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("host_local_authority_id", sa.Integer(), nullable=False),
        sa.Column("ofsted_urn", sa.String(length=10), nullable=True),
        sa.Column(
            "home_type",
            sa.Enum(
                "childrens_home",
                "supported_accommodation",
                "fostering_agency",
                "residential_special_school",
                "other",
                name="hometype",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("registered_places", sa.Integer(), nullable=False),
        sa.Column("age_from", sa.Integer(), nullable=False),
        sa.Column("age_to", sa.Integer(), nullable=False),
        sa.Column("needs", sa.JSON(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("open", "planned", "closed", name="homestatus", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("created_at", covenant_portal.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", covenant_portal.db.UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "home_type IN ('childrens_home', 'supported_accommodation', 'fostering_agency', 'residential_special_school', 'other')",
            name=op.f("ck_provider_home_home_type_known"),
        ),
        sa.CheckConstraint("status IN ('open', 'planned', 'closed')", name=op.f("ck_provider_home_status_known")),
        sa.CheckConstraint(
            "age_from >= 0 AND age_to <= 25 AND age_from <= age_to", name=op.f("ck_provider_home_age_range_valid")
        ),
        sa.CheckConstraint("registered_places >= 0", name=op.f("ck_provider_home_places_not_negative")),
        sa.ForeignKeyConstraint(
            ["host_local_authority_id"],
            ["local_authority.id"],
            name=op.f("fk_provider_home_host_local_authority_id_local_authority"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["provider_organisation.id"],
            name=op.f("fk_provider_home_organisation_id_provider_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_provider_home")),
    )
    with op.batch_alter_table("provider_home", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_provider_home_host_local_authority_id"), ["host_local_authority_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_provider_home_organisation_id"), ["organisation_id"], unique=False)

    op.create_table(
        "covenant_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.Column("document_sha256", sa.String(length=64), nullable=False),
        sa.Column(
            "status", sa.Enum("draft", "published", name="covenantstatus", native_enum=False, length=16), nullable=False
        ),
        sa.Column("created_at", covenant_portal.db.UTCDateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("published_at", covenant_portal.db.UTCDateTime(), nullable=True),
        sa.CheckConstraint(
            "(status = 'published') = (published_at IS NOT NULL)", name=op.f("ck_covenant_version_published_has_time")
        ),
        sa.CheckConstraint("status IN ('draft', 'published')", name=op.f("ck_covenant_version_status_known")),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user_account.id"], name=op.f("fk_covenant_version_created_by_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_covenant_version")),
        sa.UniqueConstraint("number", name=op.f("uq_covenant_version_number")),
    )
    op.create_table(
        "la_named_contact",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("local_authority_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=False),
        sa.Column("started_at", covenant_portal.db.UTCDateTime(), nullable=False),
        sa.Column("ended_at", covenant_portal.db.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["local_authority_id"],
            ["local_authority.id"],
            name=op.f("fk_la_named_contact_local_authority_id_local_authority"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_la_named_contact_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_la_named_contact")),
    )
    with op.batch_alter_table("la_named_contact", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_la_named_contact_local_authority_id"), ["local_authority_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_la_named_contact_user_id"), ["user_id"], unique=False)

    op.create_table(
        "provider_contact",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=False),
        sa.Column("created_at", covenant_portal.db.UTCDateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("retired_at", covenant_portal.db.UTCDateTime(), nullable=True),
        sa.Column("replaces_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user_account.id"], name=op.f("fk_provider_contact_created_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["provider_organisation.id"],
            name=op.f("fk_provider_contact_organisation_id_provider_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["replaces_id"], ["provider_contact.id"], name=op.f("fk_provider_contact_replaces_id_provider_contact")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_provider_contact")),
    )
    with op.batch_alter_table("provider_contact", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_provider_contact_organisation_id"), ["organisation_id"], unique=False)

    op.create_table(
        "covenant_signature",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("covenant_version_id", sa.Integer(), nullable=False),
        sa.Column("signer_id", sa.Integer(), nullable=False),
        sa.Column("signer_name", sa.String(length=200), nullable=False),
        sa.Column("signer_job_title", sa.String(length=200), nullable=False),
        sa.Column("signer_email", sa.String(length=320), nullable=False),
        sa.Column("declaration", sa.Text(), nullable=False),
        sa.Column("signed_at", covenant_portal.db.UTCDateTime(), nullable=False),
        sa.Column("ledger_seq", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["covenant_version_id"],
            ["covenant_version.id"],
            name=op.f("fk_covenant_signature_covenant_version_id_covenant_version"),
        ),
        sa.ForeignKeyConstraint(
            ["ledger_seq"], ["ledger_entry.seq"], name=op.f("fk_covenant_signature_ledger_seq_ledger_entry")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["provider_organisation.id"],
            name=op.f("fk_covenant_signature_organisation_id_provider_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["signer_id"], ["user_account.id"], name=op.f("fk_covenant_signature_signer_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_covenant_signature")),
        sa.UniqueConstraint("ledger_seq", name=op.f("uq_covenant_signature_ledger_seq")),
        sa.UniqueConstraint(
            "organisation_id",
            "covenant_version_id",
            name=op.f("uq_covenant_signature_organisation_id_covenant_version_id"),
        ),
    )
    with op.batch_alter_table("covenant_signature", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_covenant_signature_organisation_id"), ["organisation_id"], unique=False)

    op.create_table(
        "provider_contact_home",
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("home_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["provider_contact.id"], name=op.f("fk_provider_contact_home_contact_id_provider_contact")
        ),
        sa.ForeignKeyConstraint(
            ["home_id"], ["provider_home.id"], name=op.f("fk_provider_contact_home_home_id_provider_home")
        ),
        sa.PrimaryKeyConstraint("contact_id", "home_id", name=op.f("pk_provider_contact_home")),
    )


def downgrade() -> None:
    op.drop_table("provider_contact_home")
    with op.batch_alter_table("covenant_signature", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_covenant_signature_organisation_id"))

    op.drop_table("covenant_signature")
    with op.batch_alter_table("provider_contact", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_provider_contact_organisation_id"))

    op.drop_table("provider_contact")
    with op.batch_alter_table("la_named_contact", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_la_named_contact_user_id"))
        batch_op.drop_index(batch_op.f("ix_la_named_contact_local_authority_id"))

    op.drop_table("la_named_contact")
    op.drop_table("covenant_version")
    with op.batch_alter_table("provider_home", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_provider_home_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_provider_home_host_local_authority_id"))

    op.drop_table("provider_home")
