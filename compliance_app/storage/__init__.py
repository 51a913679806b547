"""Server-side drafts: answers saved as the user goes (SQLite by default, or PostgreSQL).

Modules: ``store`` (:class:`~compliance_app.storage.store.DraftStore`, the API), ``db``
(configuration, engine, table, migrations, errors), ``cli`` (``python -m compliance_app.storage``),
``migrations/`` (Alembic).

May import: SQLAlchemy, Alembic, :mod:`compliance_app.dossier` (answers and review),
:mod:`compliance_app.rulebase`. Must not import Streamlit, ReportLab, report or ui.
"""
