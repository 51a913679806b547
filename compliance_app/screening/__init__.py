"""Restricted-party screening, offline: the official lists imported from files, stored in the
draft database, and a name matcher that says which lists, of which date, it searched.

Modules: ``model`` (list entries and parsed lists), ``parsers/`` (one module per publisher:
``csl`` for the US Consolidated Screening List CSV and JSON, ``eu`` for the EU financial
sanctions file XML and CSV, ``uk`` for the UK Sanctions List CSV and XML, ``un`` for the UN
Security Council consolidated list XML; ``detect`` picks one by content), ``normalize`` (case,
accents, punctuation, transliteration, legal forms), ``matching`` (the index and the scores),
``store`` (the lists in the database), ``service`` (screen a party: outcome, hits, search log),
``fetch`` (``lists update``: download from the official addresses), ``cli`` (``screen`` and
``lists`` commands).

May import: :mod:`compliance_app.rulebase`, :mod:`compliance_app.engine`,
:mod:`compliance_app.dossier` (the screening record of the answers file),
:mod:`compliance_app.storage` (the database engine and tables), SQLAlchemy, anyascii, RapidFuzz,
defusedxml, pycountry. Must not import Streamlit, ReportLab, or the report or ui packages.
"""
