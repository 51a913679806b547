"""Add the adviser review the company opened to a draft.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "drafts",
        sa.Column(
            "review",
            sa.Text(),
            nullable=True,
            comment="adviser review as YAML (review.dump), or NULL",
        ),
    )


def downgrade() -> None:
    with op.batch_alter_table("drafts") as batch:
        batch.drop_column("review")
