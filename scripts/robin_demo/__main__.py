"""`python -m scripts.robin_demo`: the demo (scripts/demo runs it)."""

import sys

from .cli import main

sys.exit(main())
