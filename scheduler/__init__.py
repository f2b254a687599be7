"""schedbot scheduler."""
