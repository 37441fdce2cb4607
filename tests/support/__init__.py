"""Helpers shared by the test packages (factories, users, browsers, servers)."""
