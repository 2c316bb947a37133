"""Forecasts on the record: every row of a recorded forecast, append-only.

Revision ID: 0004
Revises: 0003
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

MESSAGE = "forecasts are on the record: rows are never changed or deleted"


def upgrade():
    op.create_table(
        "forecasts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("case_id", sa.String(64), sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("made_at", sa.DateTime, nullable=False),
        sa.Column("as_of", sa.Date, nullable=False),
        sa.Column("horizon", sa.Integer, nullable=False),
        sa.Column("level", sa.SmallInteger, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("p", sa.Float, nullable=False),
        sa.Column("p_low", sa.Float),
        sa.Column("p_high", sa.Float),
        sa.Column("ledger_digest", sa.String(80), nullable=False),
        sa.Column("model_version", sa.String(64), nullable=False),
        sa.CheckConstraint("p >= 0 AND p <= 1", name="forecast_p"),
        sa.CheckConstraint("level BETWEEN 0 AND 5", name="forecast_level"),
        sa.CheckConstraint("horizon >= 1", name="forecast_horizon"),
    )
    op.create_index("ix_forecasts_case", "forecasts", ["case_id", "as_of"])
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for event in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER forecasts_no_{event.lower()} BEFORE {event} ON forecasts "
                       f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END")
    elif dialect == "postgresql":
        op.execute("CREATE FUNCTION forecasts_append_only() RETURNS trigger AS $$ BEGIN "
                   f"RAISE EXCEPTION '{MESSAGE}'; END; $$ LANGUAGE plpgsql")
        op.execute("CREATE TRIGGER forecasts_append_only BEFORE UPDATE OR DELETE ON forecasts "
                   "FOR EACH ROW EXECUTE FUNCTION forecasts_append_only()")


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS forecasts_no_update")
        op.execute("DROP TRIGGER IF EXISTS forecasts_no_delete")
    elif dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS forecasts_append_only ON forecasts")
        op.execute("DROP FUNCTION IF EXISTS forecasts_append_only()")
    op.drop_index("ix_forecasts_case", "forecasts")
    op.drop_table("forecasts")
