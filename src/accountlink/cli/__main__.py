"""``python -m accountlink.cli``: the ``accountlink`` command."""

import sys

from . import main

sys.exit(main())
