"""The PDF report (ReportLab).

Modules: ``builder`` (:func:`build_pdf`, the document and its order), ``sections`` (the first
page, open questions, findings, trail), ``review_section`` (the adviser's review), ``canvas``
(page numbers and the disclaimer on every page), ``style`` (paragraph styles and colours),
``text`` (fonts and safe text: user text is never markup), ``attach`` (embedding the answers
file and review, sealing), ``fonts/`` (bundled DejaVu fonts).

May import: ReportLab, :mod:`compliance_app.rulebase`, :mod:`compliance_app.engine`,
:mod:`compliance_app.dossier`. Must not import Streamlit, SQLAlchemy, storage or ui.
"""
