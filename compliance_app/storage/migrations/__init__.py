"""Alembic migrations of the draft store (see ``docs/storage.md``). Not imported at run time:
Alembic reads ``env.py`` and ``versions/*.py`` from this folder."""
