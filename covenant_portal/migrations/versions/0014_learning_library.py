"""learning_summary, learning_summary_theme: the shared learning library; concern_event's kind
action_done (a learning action marked done) (issue 13, points 5 and 8)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 01:54:58
"""

from alembic import op
import sqlalchemy as sa
import covenant_portal.db

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

EVENT_KINDS = (
    "logged",
    "acknowledged",
    "resolution_proposed",
    "resolved",
    "learning_arranged",
    "learning_held",
    "learning_recorded",
    "closed",
    "reopened",
    "message",
    "extended",
    "duty_met",
)


def _event_kinds(kinds: tuple[str, ...]) -> None:
    with op.batch_alter_table("concern_event", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_concern_event_kind_known"), type_="check")
        batch_op.create_check_constraint(
            batch_op.f("ck_concern_event_kind_known"), "kind IN (" + ", ".join(f"'{kind}'" for kind in kinds) + ")"
        )


def upgrade() -> None:
    op.create_table(
        "learning_summary",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("learning", "good_practice", name="summarykind", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column(
            "status", sa.Enum("draft", "published", name="summarystatus", native_enum=False, length=16), nullable=False
        ),
        sa.Column("concern_id", sa.Integer(), nullable=True),
        sa.Column(
            "category",
            sa.Enum(
                "referral_information",
                "placement_planning",
                "placement_stability",
                "paperwork",
                "education",
                "communication",
                "quality_of_care",
                "safeguarding_practice",
                "other",
                name="category",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("what_happened", sa.Text(), nullable=False),
        sa.Column("what_learned", sa.Text(), nullable=False),
        sa.Column("what_changed", sa.Text(), nullable=False),
        sa.Column("created_at", covenant_portal.db.UTCDateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("published_at", covenant_portal.db.UTCDateTime(), nullable=True),
        sa.Column("published_by_id", sa.Integer(), nullable=True),
        sa.Column("about_agreed_at", covenant_portal.db.UTCDateTime(), nullable=True),
        sa.Column("about_agreed_by_id", sa.Integer(), nullable=True),
        sa.Column("raiser_agreed_at", covenant_portal.db.UTCDateTime(), nullable=True),
        sa.Column("raiser_agreed_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "(status = 'draft' AND published_at IS NULL) OR (status = 'published' AND published_at IS NOT NULL)",
            name=op.f("ck_learning_summary_published_when_published"),
        ),
        sa.CheckConstraint(
            "category IN ('referral_information', 'placement_planning', 'placement_stability', 'paperwork', 'education', 'communication', 'quality_of_care', 'safeguarding_practice', 'other')",
            name=op.f("ck_learning_summary_category_known"),
        ),
        sa.CheckConstraint(
            "kind = 'good_practice' OR concern_id IS NOT NULL", name=op.f("ck_learning_summary_learning_has_concern")
        ),
        sa.CheckConstraint("kind IN ('learning', 'good_practice')", name=op.f("ck_learning_summary_kind_known")),
        sa.CheckConstraint("status IN ('draft', 'published')", name=op.f("ck_learning_summary_status_known")),
        sa.CheckConstraint(
            "(about_agreed_at IS NULL) = (about_agreed_by_id IS NULL)",
            name=op.f("ck_learning_summary_about_agreement_whole"),
        ),
        sa.CheckConstraint(
            "(raiser_agreed_at IS NULL) = (raiser_agreed_by_id IS NULL)",
            name=op.f("ck_learning_summary_raiser_agreement_whole"),
        ),
        sa.ForeignKeyConstraint(
            ["about_agreed_by_id"],
            ["user_account.id"],
            name=op.f("fk_learning_summary_about_agreed_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(["concern_id"], ["concern.id"], name=op.f("fk_learning_summary_concern_id_concern")),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user_account.id"], name=op.f("fk_learning_summary_created_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["published_by_id"], ["user_account.id"], name=op.f("fk_learning_summary_published_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["raiser_agreed_by_id"],
            ["user_account.id"],
            name=op.f("fk_learning_summary_raiser_agreed_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_learning_summary")),
    )
    with op.batch_alter_table("learning_summary", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_learning_summary_concern_id"), ["concern_id"], unique=False)

    op.create_table(
        "learning_summary_theme",
        sa.Column("summary_id", sa.Integer(), nullable=False),
        sa.Column(
            "theme",
            sa.Enum(
                "communication_between_agencies",
                "referral_information",
                "placement_matching",
                "transitions",
                "education",
                "health",
                "safeguarding_practice",
                "paperwork",
                "voice_of_the_child",
                "good_practice",
                name="theme",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.CheckConstraint(
            "theme IN ('communication_between_agencies', 'referral_information', 'placement_matching', 'transitions', 'education', 'health', 'safeguarding_practice', 'paperwork', 'voice_of_the_child', 'good_practice')",
            name=op.f("ck_learning_summary_theme_theme_known"),
        ),
        sa.ForeignKeyConstraint(
            ["summary_id"], ["learning_summary.id"], name=op.f("fk_learning_summary_theme_summary_id_learning_summary")
        ),
        sa.PrimaryKeyConstraint("summary_id", "theme", name=op.f("pk_learning_summary_theme")),
    )
    _event_kinds(EVENT_KINDS + ("action_done",))


def downgrade() -> None:
    op.execute("DELETE FROM concern_event WHERE kind = 'action_done'")
    _event_kinds(EVENT_KINDS)
    op.drop_table("learning_summary_theme")
    with op.batch_alter_table("learning_summary", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_learning_summary_concern_id"))
    op.drop_table("learning_summary")
