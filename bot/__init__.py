"""schedbot bot."""
