"""Alembic environment: run with the connection :func:`tracker.migrations.upgrade` passes in."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

from tracker import models  # noqa: F401  (the tables, for autogenerate)

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copying them
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
