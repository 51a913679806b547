"""Add the restricted-party lists (screening) and their entries.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "screening_lists",
        sa.Column("list_id", sa.String(32), nullable=False, comment="us_csl, eu_fsf, uk_sl, un_sc"),
        sa.Column("label", sa.String(200), nullable=False),
        sa.Column("source_format", sa.String(8), nullable=False, comment="csv, json or xml"),
        sa.Column("file_name", sa.String(300), nullable=False),
        sa.Column("file_sha256", sa.String(64), nullable=False),
        sa.Column(
            "published_on", sa.Date(), nullable=True, comment="as the file states it, or NULL"
        ),
        sa.Column("imported_at", sa.DateTime(), nullable=False, comment="UTC"),
        sa.Column("entry_count", sa.Integer(), nullable=False),
        sa.Column("name_count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("list_id", name="pk_screening_lists"),
    )
    op.create_table(
        "screening_entries",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("list_id", sa.String(32), nullable=False),
        sa.Column("ref", sa.String(200), nullable=False, comment="the list's own id of the entry"),
        sa.Column("primary_name", sa.Text(), nullable=False),
        sa.Column(
            "data", sa.Text(), nullable=False, comment="names, countries, programmes as JSON"
        ),
        sa.ForeignKeyConstraint(
            ["list_id"],
            ["screening_lists.list_id"],
            name="fk_entries_list",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_screening_entries"),
    )
    op.create_index("ix_screening_entries_list_id", "screening_entries", ["list_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_screening_entries_list_id", table_name="screening_entries")
    op.drop_table("screening_entries")
    op.drop_table("screening_lists")
