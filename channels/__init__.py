"""schedbot channels."""
