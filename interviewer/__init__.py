"""Interviewer: a self-hosted AI interviewer."""
