"""ITAR/EAR export-compliance self-assessment for European space and aerospace SMEs.

Guidance only, not legal advice. The sub-packages are the architecture; data flows one way::

    rulebase  ->  engine  ->  dossier  ->  report / storage  ->  ui, cli

* :mod:`compliance_app.rulebase`: the YAML rule base read with locations, strict models,
  whole-base checks, JSON Schema export.
* :mod:`compliance_app.engine`: pure evaluation of answers on a rule base (walk, findings,
  de minimis, values, results).
* :mod:`compliance_app.dossier`: what travels between people: answers files, the adviser
  review, PDF attachments and seal, rule-base versions.
* :mod:`compliance_app.report`: the PDF (ReportLab).
* :mod:`compliance_app.storage`: server-side drafts (SQLAlchemy, Alembic migrations, its CLI).
* :mod:`compliance_app.ui`: the Streamlit pages and their Streamlit-free state and forms.
* :mod:`compliance_app.cli`: ``python -m compliance_app``.

See ``docs/architecture.md``.
"""

__version__ = "0.1.0"
