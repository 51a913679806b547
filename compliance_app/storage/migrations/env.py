"""Alembic environment of the draft store.

Run from :func:`compliance_app.storage.store.migrate` (or ``python -m compliance_app.storage``),
which
passes an open connection in ``config.attributes["connection"]`` inside a transaction that it
commits (after taking the migration lock). There is no alembic.ini and no offline mode.
"""

from __future__ import annotations

from alembic import context

from compliance_app.storage.db import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError(
        "Run migrations with `python -m compliance_app.storage upgrade` "
        "(or compliance_app.storage.store.migrate), not with the alembic command."
    )

context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",  # ALTER TABLE on SQLite
    compare_type=True,
    transactional_ddl=True,  # the storage engine makes SQLite DDL transactional too
)
with context.begin_transaction():
    context.run_migrations()
