"""The shared learning library (issue 13, point 8): anonymised summaries of closed concerns, and
good practice, that officers publish and every signed-in person can browse and search."""
