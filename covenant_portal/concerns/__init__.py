"""Concerns (issue 13): raised, resolved in time, then reflective practice and shared learning,
closed by escalation officers."""
