"""Alembic environment: run by dragoman.store.migrations.upgrade with an open connection, never from an ini file."""
from __future__ import annotations

from alembic import context

from dragoman.store.migrations import include_object
from dragoman.store.schema import metadata


def run_migrations() -> None:
    connection = context.config.attributes["connection"]
    context.configure(connection=connection, target_metadata=metadata, include_object=include_object,
                      render_as_batch=connection.dialect.name == "sqlite")  # SQLite alters by copying tables
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
