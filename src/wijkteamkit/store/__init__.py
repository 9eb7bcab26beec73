"""Persistence: SQLModel tables owned by the core, the database engine, and migrations."""
