"""The store's schema migrations (Alembic), configured from the package: no alembic.ini needed.

`upgrade(engine)` brings a database to the newest revision: a new database is created, an
old one migrated. A database made before migrations existed (tables present, no
`alembic_version`) is stamped with the initial revision first, then upgraded.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from sqlalchemy import inspect, text

HERE = Path(__file__).resolve().parent
INITIAL = "0001"
ADVISORY_LOCK = 0x64726167  # "drag": the key of the migration lock on PostgreSQL

# Objects that exist in the database but not in the metadata, so autogenerate must not touch
# them: SQLite's FTS5 table and its shadow tables (dragoman.store.query.setup_fts) and
# PostgreSQL's full-text GIN index, which the initial migration creates.
FTS_PREFIX = "documents_fts"
PG_TEXT_INDEX = "ix_documents_text_fts"


class MigrationError(RuntimeError):
    """The database cannot be brought to this version's schema (e.g. it was made by a newer dragoman)."""


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    if type_ == "table" and name and name.startswith(FTS_PREFIX):
        return False
    return not (type_ == "index" and name == PG_TEXT_INDEX)


def config(connection=None):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(HERE))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


@lru_cache(maxsize=1)
def head() -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(config()).get_current_head()


def current(connection) -> str | None:
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine) -> None:
    """Migrate the database behind `engine` to head, in one transaction on PostgreSQL
    (whose DDL is transactional; pysqlite commits each DDL statement)."""
    from alembic import command
    from alembic.util import CommandError

    try:
        _upgrade(engine, command)
    except CommandError as err:
        raise MigrationError(f"schema migration failed: {err}") from err


def _upgrade(engine, command) -> None:
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            # two processes opening one new database at once: the second waits, then finds it at head
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK})
        revision = current(conn)
        if revision == head():
            return
        cfg = config(conn)
        if revision is None and inspect(conn).has_table("documents"):
            command.stamp(cfg, INITIAL)  # made by metadata.create_all before migrations existed
        command.upgrade(cfg, "head")
