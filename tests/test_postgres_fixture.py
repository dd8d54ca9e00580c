"""The PostgreSQL fixtures: a real server, a session database and an empty one per test."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import Connection, create_engine, inspect, text

from tests.postgres import PostgresServer

pytestmark = pytest.mark.postgres


@contextmanager
def connected(url: str) -> Iterator[Connection]:
    engine = create_engine(url)
    try:
        with engine.begin() as con:
            yield con
    finally:
        engine.dispose()


def test_postgres_url_is_an_empty_postgresql_database(postgres_url: str) -> None:
    assert postgres_url.startswith("postgresql+psycopg://")
    with connected(postgres_url) as con:
        assert con.execute(text("select version()")).scalar_one().startswith("PostgreSQL")
        assert inspect(con).get_table_names() == []


def test_fresh_database_takes_a_table_and_rows(fresh_postgres_url: str) -> None:
    with connected(fresh_postgres_url) as con:
        con.execute(text("create table edits (edit_id int primary key, note text not null)"))
        con.execute(
            text("insert into edits values (:id, :note)"),
            [{"id": 1, "note": "target raised"}, {"id": 2, "note": "pilot stopped"}],
        )
    with connected(fresh_postgres_url) as con:
        rows = con.execute(text("select edit_id, note from edits order by edit_id")).all()
    assert [tuple(row) for row in rows] == [(1, "target raised"), (2, "pilot stopped")]


def test_fresh_databases_are_isolated(
    fresh_postgres_url: str, postgres_server: PostgresServer, postgres_url: str
) -> None:
    with connected(fresh_postgres_url) as con:
        con.execute(text("create table edits (edit_id int primary key)"))
    with postgres_server.new_database() as other:
        assert other not in (fresh_postgres_url, postgres_url)
        with connected(other) as con:
            assert inspect(con).get_table_names() == []
    with connected(postgres_url) as con:
        assert inspect(con).get_table_names() == []
