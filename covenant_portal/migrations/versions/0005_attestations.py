"""quarterly returns: periods, returns and their drafts, signed submissions, evidence, reminders

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 12:10:00
"""

from alembic import op
import sqlalchemy as sa
import covenant_portal.db

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "return_period",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("financial_year", sa.Integer(), nullable=False),
        sa.Column("quarter", sa.Integer(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("opens_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("due_adjusted_at", covenant_portal.db.UTCDateTime(), nullable=True),
        sa.Column("due_adjusted_by_id", sa.Integer(), nullable=True),
        sa.Column("due_adjustment_reason", sa.Text(), nullable=True),
        sa.CheckConstraint("quarter BETWEEN 1 AND 4", name=op.f("ck_return_period_quarter_known")),
        sa.CheckConstraint(
            "starts_on <= ends_on AND ends_on < opens_on AND opens_on <= due_on",
            name=op.f("ck_return_period_dates_in_order"),
        ),
        sa.ForeignKeyConstraint(
            ["due_adjusted_by_id"], ["user_account.id"], name=op.f("fk_return_period_due_adjusted_by_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_return_period")),
        sa.UniqueConstraint("financial_year", "quarter", name=op.f("uq_return_period_financial_year_quarter")),
    )
    op.create_table(
        "attestation_return",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("period_id", sa.Integer(), nullable=False),
        sa.Column("created_at", covenant_portal.db.UTCDateTime(), nullable=False),
        sa.Column("draft", sa.JSON(), nullable=True),
        sa.Column("draft_lock", sa.Integer(), nullable=False),
        sa.Column("draft_updated_at", covenant_portal.db.UTCDateTime(), nullable=True),
        sa.Column("draft_updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["draft_updated_by_id"],
            ["user_account.id"],
            name=op.f("fk_attestation_return_draft_updated_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["provider_organisation.id"],
            name=op.f("fk_attestation_return_organisation_id_provider_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["period_id"], ["return_period.id"], name=op.f("fk_attestation_return_period_id_return_period")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attestation_return")),
        sa.UniqueConstraint(
            "organisation_id", "period_id", name=op.f("uq_attestation_return_organisation_id_period_id")
        ),
    )
    with op.batch_alter_table("attestation_return", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_attestation_return_organisation_id"), ["organisation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_attestation_return_period_id"), ["period_id"], unique=False)

    op.create_table(
        "return_reminder",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("period_id", sa.Integer(), nullable=False),
        sa.Column(
            "stage",
            sa.Enum(
                "due_in_7_days",
                "due_today",
                "overdue_1_day",
                "overdue_7_days",
                "escalated",
                name="reminderstage",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("sent_on", sa.Date(), nullable=False),
        sa.Column("created_at", covenant_portal.db.UTCDateTime(), nullable=False),
        sa.Column("recipients", sa.JSON(), nullable=False),
        sa.CheckConstraint(
            "stage IN ('due_in_7_days', 'due_today', 'overdue_1_day', 'overdue_7_days', 'escalated')",
            name=op.f("ck_return_reminder_stage_known"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["provider_organisation.id"],
            name=op.f("fk_return_reminder_organisation_id_provider_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["period_id"], ["return_period.id"], name=op.f("fk_return_reminder_period_id_return_period")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_return_reminder")),
        sa.UniqueConstraint(
            "organisation_id", "period_id", "stage", name=op.f("uq_return_reminder_organisation_id_period_id_stage")
        ),
    )
    with op.batch_alter_table("return_reminder", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_return_reminder_organisation_id"), ["organisation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_return_reminder_period_id"), ["period_id"], unique=False)

    op.create_table(
        "attestation_submission",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("return_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("supersedes_id", sa.Integer(), nullable=True),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.Column("document_sha256", sa.String(length=64), nullable=False),
        sa.Column("signer_id", sa.Integer(), nullable=False),
        sa.Column("signer_name", sa.String(length=200), nullable=False),
        sa.Column("signer_job_title", sa.String(length=200), nullable=False),
        sa.Column("signer_email", sa.String(length=320), nullable=False),
        sa.Column("declaration", sa.Text(), nullable=False),
        sa.Column("signed_at", covenant_portal.db.UTCDateTime(), nullable=False),
        sa.Column("ledger_seq", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "(version = 1) = (supersedes_id IS NULL)", name=op.f("ck_attestation_submission_corrections_supersede")
        ),
        sa.CheckConstraint("version >= 1", name=op.f("ck_attestation_submission_version_positive")),
        sa.ForeignKeyConstraint(
            ["ledger_seq"], ["ledger_entry.seq"], name=op.f("fk_attestation_submission_ledger_seq_ledger_entry")
        ),
        sa.ForeignKeyConstraint(
            ["return_id"],
            ["attestation_return.id"],
            name=op.f("fk_attestation_submission_return_id_attestation_return"),
        ),
        sa.ForeignKeyConstraint(
            ["signer_id"], ["user_account.id"], name=op.f("fk_attestation_submission_signer_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["supersedes_id"],
            ["attestation_submission.id"],
            name=op.f("fk_attestation_submission_supersedes_id_attestation_submission"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attestation_submission")),
        sa.UniqueConstraint("ledger_seq", name=op.f("uq_attestation_submission_ledger_seq")),
        sa.UniqueConstraint("return_id", "version", name=op.f("uq_attestation_submission_return_id_version")),
    )
    with op.batch_alter_table("attestation_submission", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_attestation_submission_return_id"), ["return_id"], unique=False)

    op.create_table(
        "evidence_file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("return_id", sa.Integer(), nullable=False),
        sa.Column("pledge_number", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("stored_name", sa.String(length=64), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("uploaded_at", covenant_portal.db.UTCDateTime(), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=False),
        sa.Column("removed_at", covenant_portal.db.UTCDateTime(), nullable=True),
        sa.CheckConstraint("size_bytes > 0", name=op.f("ck_evidence_file_not_empty")),
        sa.ForeignKeyConstraint(
            ["return_id"], ["attestation_return.id"], name=op.f("fk_evidence_file_return_id_attestation_return")
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"], ["user_account.id"], name=op.f("fk_evidence_file_uploaded_by_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence_file")),
        sa.UniqueConstraint("stored_name", name=op.f("uq_evidence_file_stored_name")),
    )
    with op.batch_alter_table("evidence_file", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_evidence_file_return_id"), ["return_id"], unique=False)

    op.create_table(
        "home_occupancy",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("home_id", sa.Integer(), nullable=False),
        sa.Column("registered_places", sa.Integer(), nullable=False),
        sa.Column("vacant_places", sa.Integer(), nullable=False),
        sa.Column("placed_outside_gm", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "registered_places >= 0 AND vacant_places >= 0 AND placed_outside_gm >= 0",
            name=op.f("ck_home_occupancy_counts_not_negative"),
        ),
        sa.ForeignKeyConstraint(
            ["home_id"], ["provider_home.id"], name=op.f("fk_home_occupancy_home_id_provider_home")
        ),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["attestation_submission.id"],
            name=op.f("fk_home_occupancy_submission_id_attestation_submission"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_home_occupancy")),
        sa.UniqueConstraint("submission_id", "home_id", name=op.f("uq_home_occupancy_submission_id_home_id")),
    )
    with op.batch_alter_table("home_occupancy", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_home_occupancy_home_id"), ["home_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_home_occupancy_submission_id"), ["submission_id"], unique=False)

    op.create_table(
        "pledge_answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("pledge_number", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "met", "partly_met", "not_met", "not_applicable", name="pledgestatus", native_enum=False, length=16
            ),
            nullable=False,
        ),
        sa.Column("narrative", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "status IN ('met', 'partly_met', 'not_met', 'not_applicable')", name=op.f("ck_pledge_answer_status_known")
        ),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["attestation_submission.id"],
            name=op.f("fk_pledge_answer_submission_id_attestation_submission"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pledge_answer")),
        sa.UniqueConstraint(
            "submission_id", "pledge_number", name=op.f("uq_pledge_answer_submission_id_pledge_number")
        ),
    )
    with op.batch_alter_table("pledge_answer", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pledge_answer_submission_id"), ["submission_id"], unique=False)

    op.create_table(
        "gm_placement",
        sa.Column("occupancy_id", sa.Integer(), nullable=False),
        sa.Column("local_authority_id", sa.Integer(), nullable=False),
        sa.Column("children", sa.Integer(), nullable=False),
        sa.CheckConstraint("children > 0", name=op.f("ck_gm_placement_children_positive")),
        sa.ForeignKeyConstraint(
            ["local_authority_id"],
            ["local_authority.id"],
            name=op.f("fk_gm_placement_local_authority_id_local_authority"),
        ),
        sa.ForeignKeyConstraint(
            ["occupancy_id"], ["home_occupancy.id"], name=op.f("fk_gm_placement_occupancy_id_home_occupancy")
        ),
        sa.PrimaryKeyConstraint("occupancy_id", "local_authority_id", name=op.f("pk_gm_placement")),
    )


def downgrade() -> None:
    op.drop_table("gm_placement")
    with op.batch_alter_table("pledge_answer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pledge_answer_submission_id"))

    op.drop_table("pledge_answer")
    with op.batch_alter_table("home_occupancy", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_home_occupancy_submission_id"))
        batch_op.drop_index(batch_op.f("ix_home_occupancy_home_id"))

    op.drop_table("home_occupancy")
    with op.batch_alter_table("evidence_file", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evidence_file_return_id"))

    op.drop_table("evidence_file")
    with op.batch_alter_table("attestation_submission", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_attestation_submission_return_id"))

    op.drop_table("attestation_submission")
    with op.batch_alter_table("return_reminder", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_return_reminder_period_id"))
        batch_op.drop_index(batch_op.f("ix_return_reminder_organisation_id"))

    op.drop_table("return_reminder")
    with op.batch_alter_table("attestation_return", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_attestation_return_period_id"))
        batch_op.drop_index(batch_op.f("ix_attestation_return_organisation_id"))

    op.drop_table("attestation_return")
    op.drop_table("return_period")
