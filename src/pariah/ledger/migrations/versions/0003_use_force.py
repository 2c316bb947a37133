"""Act types ``use_force`` and ``ceasefire``: the act-type constraint with this revision's list.

Revision ID: 0003
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op

from pariah.ledger.schema import one_of

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

#: The act types of this revision, frozen (0001's list plus use_force and ceasefire).
BEFORE = ("recognize", "withdraw_recognition", "freeze_recognition", "accept_ambassador", "accept_envoy",
          "expel_envoy", "appoint_ambassador", "open_mission", "downgrade_mission", "close_mission",
          "official_visit", "host_visit", "attend_conference", "host_conference", "sign_agreement",
          "designate", "delist", "impose_sanctions", "lift_sanctions", "suspend_membership",
          "readmit_membership", "declare_nonrecognition", "other")
ACTS = BEFORE + ("use_force", "ceasefire")


def _replace(values) -> None:
    dialect = op.get_bind().dialect.name
    # SQLite cannot alter a constraint: batch mode copies the table under the new one.
    with op.batch_alter_table("acts", recreate="auto") as batch:
        batch.drop_constraint("act_type", type_="check")
        batch.create_check_constraint("act_type", one_of("act", values, dialect))


def upgrade():
    _replace(ACTS)


def downgrade():
    _replace(BEFORE)
