"""The store on both backends: migrations match the schema, old databases are upgraded, hostile
filter values are data, batch writes stay batched. `db_url` (tests/conftest.py) runs each test on
SQLite and on PostgreSQL; the analyses are the short hand-written ones of tests/test_store.py.
"""
from __future__ import annotations

import pytest
from sqlalchemy import create_engine, event, inspect, text

from dragoman.store import Store, StoreError, _as_url
from dragoman.store.migrations import head
from dragoman.store.schema import metadata
from test_store import protest_analysis, visit_analysis

HOSTILE = ["'", '"', "'; DROP TABLE events; --", "%", "_", "%'; --", "x' OR '1'='1", "\\", "Erdo%an"]


@pytest.fixture
def store(db_url):
    s = Store(db_url)
    s.save(visit_analysis())
    s.save(protest_analysis())
    yield s
    s.close()


def test_postgresql_urls_use_psycopg_3():
    assert _as_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert _as_url("postgres://u@h:5433/db") == "postgresql+psycopg://u@h:5433/db"
    assert _as_url("postgresql+psycopg://u@h/db") == "postgresql+psycopg://u@h/db"


def test_the_migrations_build_exactly_the_schema_in_the_metadata(store):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from dragoman.store.migrations import include_object

    with store.engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == head()
        context = MigrationContext.configure(conn, opts={"include_object": include_object})
        assert compare_metadata(context, metadata) == []


def test_a_database_made_before_migrations_is_stamped_upgraded_and_keeps_its_rows(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = create_engine(url)
    metadata.create_all(engine)  # how the store made its tables before Alembic
    engine.dispose()
    with Store(url) as s:
        s.save(visit_analysis())
    with Store(url) as s:  # opening again: at head already, nothing to do
        assert inspect(s.engine).has_table("alembic_version")
        with s.engine.connect() as conn:
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == head()
        assert s.analysis("visit") == visit_analysis()


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_filter_values_are_data(store, value):
    """Quotes, SQL and LIKE wildcards find nothing (no record holds them) and harm nothing."""
    n_events = len(store.events(limit=None))
    assert store.events(actor=value) == [] and store.events(country=value) == []
    assert store.events(type=value) == [] and store.events(outlet=value) == []
    assert store.claims(actor=value) == [] and store.claims(stance=value) == []
    assert store.actors(name=value) == [] and store.query_places(name=value)["total"] == 0
    assert store.query_articles(outlet=value)["total"] == 0
    try:
        assert store.query_events(q=value)["total"] == 0
    except ValueError:  # q with no words at all is refused, as a bad filter value
        pass
    assert store.events(doc=value) == []
    assert len(store.events(limit=None)) == n_events == 4 and len(store.documents()) == 2  # nothing dropped


def test_a_name_with_a_quote_is_found_by_it(store):
    analysis = visit_analysis(doc="quoted")
    analysis.article.outlet = "Al-Ra'i; DROP TABLE events; --"
    store.save(analysis)
    found = store.events(outlet="ra'i; drop table", limit=None)
    assert {e["doc"] for e in found} == {"quoted"} and len(store.documents()) == 3


def test_saving_writes_each_table_in_one_batched_insert(store):
    inserts: list[str] = []

    def seen(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("INSERT INTO"):
            inserts.append(statement.split()[2].strip('"'))

    event.listen(store.engine, "before_cursor_execute", seen)
    try:
        store.save(visit_analysis(doc="batched"))
    finally:
        event.remove(store.engine, "before_cursor_execute", seen)
    for table in ("events", "event_evidence", "claims", "actor_mentions", "dates"):
        assert inserts.count(table) == 1, (table, inserts)


def test_a_database_from_a_newer_version_is_a_one_line_error(tmp_path):
    url = f"sqlite:///{tmp_path / 'newer.db'}"
    Store(url).close()
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    engine.dispose()
    with pytest.raises(StoreError) as err:
        Store(url)
    assert "\n" not in str(err.value) and "9999" in str(err.value)
