"""The rule base: YAML files in ``rules/`` read into strict models.

Modules: ``yamlsource`` (YAML with file/line/column of every node), ``models`` (strict pydantic
models: steps, rules, conditions, findings, citations, country groups), ``loader`` (read a rules
folder, report every error at once), ``checks`` (whole-base checks: ids, graph, reachability).

May import: the standard library, pydantic, PyYAML. Must not import any other sub-package of
``compliance_app`` (it is the bottom layer), nor Streamlit, ReportLab or SQLAlchemy.
"""
