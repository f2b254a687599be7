"""Form validation actions, one form per module: verify, register, coverage, booking, manage."""
