"""The dossier: what travels between the company, the adviser and later versions of the tool.

Modules: ``answers`` (the answers file, format ``itar-ear-answers``; ``answers_layout``: format
2, a deal laid out by item, destination and group), ``untrusted`` (reading
uploaded YAML/JSON safely and within bounds), ``review`` (the adviser's review), ``screening``
(the parties screened against the restricted-party lists, a section of the answers file),
``transport`` (uploads; the PDF's attachments; ``sealing``: its seal), ``pdfread`` (reading a PDF's
attachments within bounds), ``snapshots`` and ``versions`` (rule-base snapshots and what
changed between versions), ``bom_csv`` (bill-of-materials CSV files from other software).

May import: :mod:`compliance_app.rulebase`, :mod:`compliance_app.engine`, pypdf, PyYAML. Must not
import Streamlit, ReportLab, SQLAlchemy, or the report, storage or ui packages.
"""
