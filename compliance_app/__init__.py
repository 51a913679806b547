"""ITAR/EAR export-compliance self-assessment for European space and aerospace SMEs.

Guidance only, not legal advice. Modules: ``models`` (rule-base schema), ``loader`` (strict
loading with file/line/column errors), ``engine`` (pure evaluation), ``answers`` (answers file),
``report`` (PDF), ``cli`` (command line).
"""

__version__ = "0.1.0"
