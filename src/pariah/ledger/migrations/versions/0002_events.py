"""Event data beside the ledger: ingested files, the target's dyadic events, monthly aggregates.

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

DIRECTION = "direction IN ('to_target', 'from_target')"
KEY = ("target", "dataset", "state", "month", "direction")


def _key_columns():
    return [
        sa.Column("target", sa.String(16), nullable=False),
        sa.Column("dataset", sa.String(16), nullable=False),
        sa.Column("state", sa.String(3), nullable=False),
        sa.Column("month", sa.Date, nullable=False),
        sa.Column("direction", sa.String(12), nullable=False),
    ]


def upgrade():
    op.create_table(
        "event_files",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("target", sa.String(16), nullable=False),
        sa.Column("dataset", sa.String(16), nullable=False),
        sa.Column("path", sa.Text, nullable=False),
        sa.Column("rows", sa.BigInteger, nullable=False),
        sa.Column("matched", sa.Integer, nullable=False),
        sa.Column("malformed", sa.Integer, nullable=False),
        sa.Column("engine", sa.String(16), nullable=False),
        sa.Column("ingested_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("target", sa.String(16), nullable=False),
        sa.Column("dataset", sa.String(16), nullable=False),
        sa.Column("event_id", sa.String(160), nullable=False),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("month", sa.Date, nullable=False),
        sa.Column("direction", sa.String(12), nullable=False),
        sa.Column("state", sa.String(3), nullable=False),
        sa.Column("actor1", sa.Text, nullable=False),
        sa.Column("actor2", sa.Text, nullable=False),
        sa.Column("code", sa.String(16), nullable=False),
        sa.Column("category", sa.String(16), nullable=False),
        sa.Column("mode", sa.String(32), nullable=False),
        sa.Column("quad", sa.SmallInteger, nullable=False),
        sa.Column("goldstein", sa.Float),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("file_id", sa.Integer, sa.ForeignKey("event_files.id"), nullable=False),
        sa.UniqueConstraint("target", "dataset", "event_id", name="uq_events_event"),
        sa.CheckConstraint(DIRECTION, name="event_direction"),
        sa.CheckConstraint("quad BETWEEN 1 AND 4", name="event_quad"),
    )
    op.create_index("ix_events_target_month", "events", ["target", "dataset", "month"])
    op.create_table(
        "event_months",
        *_key_columns(),
        *(sa.Column(c, sa.Integer, nullable=False) for c in ("events", "verbal_cooperation", "material_cooperation",
                                                              "verbal_conflict", "material_conflict", "cooperation",
                                                              "conflict")),
        sa.Column("goldstein_sum", sa.Float),
        sa.Column("goldstein_mean", sa.Float),
        sa.Column("cooperation_score", sa.Float, nullable=False),
        sa.Column("sources", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint(*KEY, name="pk_event_months"),
        sa.CheckConstraint(DIRECTION, name="event_months_direction"),
    )
    op.create_table(
        "event_categories",
        *_key_columns(),
        sa.Column("category", sa.String(16), nullable=False),
        sa.Column("events", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint(*KEY, "category", name="pk_event_categories"),
        sa.CheckConstraint(DIRECTION, name="event_categories_direction"),
    )


def downgrade():
    op.drop_table("event_categories")
    op.drop_table("event_months")
    op.drop_index("ix_events_target_month", "events")
    op.drop_table("events")
    op.drop_table("event_files")
