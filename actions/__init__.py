"""schedbot actions."""
