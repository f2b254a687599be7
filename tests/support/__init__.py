"""Helpers shared by the test suites: free ports, a fixed clock, throwaway databases, running servers."""
