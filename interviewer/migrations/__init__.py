"""Alembic migrations of the database schema; `Database.migrate` runs them at start (see env.py)."""
