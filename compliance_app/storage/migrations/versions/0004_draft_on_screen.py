"""Add the answer on screen (not yet confirmed with Next) to a draft, so a reload or a
restart of the app shows it again.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "drafts",
        sa.Column(
            "on_screen",
            sa.Text(),
            nullable=True,
            comment="the answer on screen, not yet confirmed with Next, as JSON, or NULL",
        ),
    )


def downgrade() -> None:
    with op.batch_alter_table("drafts") as batch:
        batch.drop_column("on_screen")
