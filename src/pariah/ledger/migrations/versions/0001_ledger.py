"""The ledger: cases, act revisions, meta.

Revision ID: 0001
Revises:
"""
import sqlalchemy as sa
from alembic import op

from pariah.ledger.schema import CONFIDENCE, one_of

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

#: The act types of this revision, frozen: a later migration that adds a type lists its own.
ACTS = ("recognize", "withdraw_recognition", "freeze_recognition", "accept_ambassador", "accept_envoy",
        "expel_envoy", "appoint_ambassador", "open_mission", "downgrade_mission", "close_mission",
        "official_visit", "host_visit", "attend_conference", "host_conference", "sign_agreement",
        "designate", "delist", "impose_sanctions", "lift_sanctions", "suspend_membership",
        "readmit_membership", "declare_nonrecognition", "other")


def upgrade():
    dialect = op.get_bind().dialect.name
    op.create_table(
        "cases",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("target", sa.String(16), nullable=False),
        sa.Column("start", sa.Date, nullable=False),
        sa.Column("end", sa.Date),
        sa.Column("definition", sa.Text, nullable=False),
        sa.Column("recorded_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "acts",
        sa.Column("rev", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("act_id", sa.String(255), nullable=False),
        sa.Column("case_id", sa.String(64), sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("date", sa.String(10), nullable=False),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("actor", sa.String(16), nullable=False),
        sa.Column("act", sa.String(32), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("confidence", sa.String(6), nullable=False),
        sa.Column("known_from", sa.String(10)),
        sa.Column("known_on", sa.Date, nullable=False),
        sa.Column("supersedes", sa.Integer),
        sa.Column("recorded_at", sa.DateTime, nullable=False),
        sa.CheckConstraint(one_of("act", ACTS, dialect), name="act_type"),
        sa.CheckConstraint(one_of("confidence", CONFIDENCE, dialect), name="confidence_value"),
        sa.CheckConstraint("length(source) > 0", name="source_not_empty"),
    )
    op.create_index("ix_acts_act_id", "acts", ["act_id"])
    op.create_table(
        "meta",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )


def downgrade():
    op.drop_table("meta")
    op.drop_index("ix_acts_act_id", "acts")
    op.drop_table("acts")
    op.drop_table("cases")
