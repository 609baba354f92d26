"""``python -m kernel`` runs the ``erp`` command."""

import sys

from .cli import main

sys.exit(main())
