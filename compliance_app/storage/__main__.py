"""``python -m compliance_app.storage upgrade|current|purge|downgrade REV|revision -m MSG``."""

from compliance_app.storage.cli import main

raise SystemExit(main())
