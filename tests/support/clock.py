"""The fixed "now" the suites run at: a Monday morning in the clinic's zone."""
TEST_NOW = "2026-11-30T07:00:00-08:00"
TEST_TZ = "America/Los_Angeles"
