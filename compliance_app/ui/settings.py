"""The server's settings (environment variables), checked when the app starts, without
Streamlit.

:func:`problems` checks every variable the app reads: ``COMPLIANCE_RULES_DIR`` (a folder) here,
``COMPLIANCE_RETENTION_DAYS``, ``COMPLIANCE_DB_URL`` and ``COMPLIANCE_DATA_DIR`` in
:func:`compliance_app.storage.db.environment_problems`. The messages are for the operator:
``make run`` calls ``python -m compliance_app.ui.settings`` and does not start the server while
one is wrong; the app logs them on its first run (:func:`compliance_app.ui.session.check_settings`)
and never shows them, nor a traceback, to a visitor (who is told that answers are not saved on
the server, or that the assessment cannot start). See ``docs/security.md``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

from compliance_app.storage.db import environment_problems

ENV_RULES_DIR = "COMPLIANCE_RULES_DIR"


def problems(environ: Mapping[str, str] | None = None) -> list[str]:
    """Every wrong setting, as a sentence naming the variable and what it must be."""
    env = os.environ if environ is None else environ
    out: list[str] = []
    raw = env.get(ENV_RULES_DIR)
    if raw and not Path(raw).expanduser().is_dir():
        out.append(f"{ENV_RULES_DIR} must be the folder of a rule base; {raw!r} is not a folder.")
    return out + environment_problems(env)


def main() -> int:
    """``python -m compliance_app.ui.settings``: print every wrong setting; exit 1 if any."""
    found = problems()
    for problem in found:
        print(f"Setting refused: {problem}", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main())
