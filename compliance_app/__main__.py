"""``python -m compliance_app``: see ``compliance_app.cli``."""

import sys

from compliance_app.cli import main

sys.exit(main())
