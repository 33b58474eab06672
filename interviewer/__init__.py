"""Interviewer: a self-hosted AI interviewer."""

__version__ = "0.1.0"
