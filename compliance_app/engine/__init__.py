"""The engine: pure evaluation of an assessment's answers on a rule base.

Modules: ``evaluation`` (walk the steps, fire rules, collect findings, open questions,
jurisdiction and authorisation), ``values`` (answer values and their checks), ``deminimis`` (the
US-content calculation, 15 CFR 734.4), ``bom_lines`` and ``bom`` (a bill of materials and
its de minimis worksheet per destination), ``countries`` (which countries a country test picks and
which countries a finding is about), ``results`` (the result models the report and UI read).

May import: :mod:`compliance_app.rulebase` and the standard library. Must not import Streamlit,
ReportLab, SQLAlchemy, or the dossier, report, storage or ui packages.

Public API: :func:`evaluate` and :func:`walk` (re-exported from ``evaluation``).
"""

from compliance_app.engine.evaluation import evaluate, walk

__all__ = ["evaluate", "walk"]
