"""The first schema: settings, engagements, informants, profile versions.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "setting",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text(), nullable=False),
    )
    op.create_table(
        "engagement",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("municipality", sa.String(200), nullable=False),
        sa.Column("created", sa.DateTime(), nullable=False),
        sa.Column("previous_id", sa.Integer(), sa.ForeignKey("engagement.id", ondelete="SET NULL"), nullable=True),
    )
    op.create_table(
        "informant",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("engagement_id", sa.Integer(), sa.ForeignKey("engagement.id", ondelete="CASCADE"), nullable=False),
        sa.Column("label", sa.String(100), nullable=False),
        sa.Column("token_sha256", sa.String(64), nullable=True, unique=True),
        sa.Column("created", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_informant_engagement_id", "informant", ["engagement_id"])
    op.create_table(
        "profile_version",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("informant_id", sa.Integer(), sa.ForeignKey("informant.id", ondelete="CASCADE"), nullable=False),
        sa.Column("saved", sa.DateTime(), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
    )
    op.create_index("ix_profile_version_informant_id", "profile_version", ["informant_id"])


def downgrade() -> None:
    op.drop_table("profile_version")
    op.drop_table("informant")
    op.drop_table("engagement")
    op.drop_table("setting")
