"""`python -m scheduler serve ...` (same as `python -m scheduler.cli` and `schedbot scheduler`)."""
import sys

from .cli import main

sys.exit(main())
