"""Database engines, database creation, and the tables the kernel owns before any addon.

SQLite's Python driver opens transactions lazily and would commit DDL behind
our back; :func:`create_engine` takes transaction control away from it (the
recipe of SQLAlchemy's SQLite dialect documentation) so that an addon's schema
changes roll back with its data, on SQLite as on PostgreSQL.  Since it emits
``BEGIN`` itself, it also decides foreign key enforcement, which SQLite only
switches between transactions: on by default, off on request for a
transaction that must rebuild tables (:func:`sqlite_foreign_keys_off`).
Each SQLite connection also gets a Unicode ``lower()`` (:func:`sqlite_lower`)
and the ``erp_text`` collation names are sorted with (:func:`text_sort_key`).

Concurrent writers: a SQLite file is opened in WAL mode (readers never wait
for the writer) with a busy timeout, and a transaction that may write starts
with ``BEGIN IMMEDIATE`` (:func:`writing`, :func:`transaction`), so that writers queue for the
write lock instead of failing half-way.  What still fails only because of
another transaction ("database is locked", a PostgreSQL serialisation failure
or deadlock) is :func:`retryable`: the web layer runs the request again.  On
PostgreSQL the pool tests a connection before lending it (``pool_pre_ping``),
so that the first request after a database restart does not fail; while the
database cannot be reached, :func:`unavailable` recognises the error.

Work done inside :func:`request_deadline` has a time limit: no statement
starts after the deadline, a running one is cancelled (PostgreSQL's
``statement_timeout``, a progress handler on SQLite), and the error is
:class:`~kernel.exceptions.RequestTimeout`, so that one request never holds a
worker indefinitely.
"""

from __future__ import annotations

import contextlib
import logging
import re
import time
import unicodedata
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, OperationalError

from .exceptions import DatabaseError, RequestTimeout, SchemaError

log = logging.getLogger("kernel.db")

NAMING_CONVENTION = {
    "ix": "%(table_name)s_%(column_0_N_name)s_index",
    "uq": "%(table_name)s_%(column_0_N_name)s_key",
    "ck": "%(table_name)s_%(constraint_name)s_check",
    "fk": "%(table_name)s_%(column_0_name)s_fkey",
    "pk": "%(table_name)s_pkey",
}

kernel_metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)

ir_module = sa.Table(
    "ir_module",
    kernel_metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(64), nullable=False),
    sa.Column("state", sa.String(16), nullable=False, default="uninstalled"),
    sa.Column("version", sa.String(32)),
    sa.Column("write_date", sa.DateTime),
    sa.Index(None, "name", unique=True),
    info={"addon": "base"},
)

ir_config_parameter = sa.Table(
    "ir_config_parameter",
    kernel_metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("key", sa.String(256), nullable=False),
    sa.Column("value", sa.Text, nullable=False),
    sa.Index(None, "key", unique=True),
    info={"addon": "base"},
)


def utcnow() -> datetime:
    """The current time in UTC, naive, as stored in the database."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def parse_url(url: str | URL) -> URL:
    try:
        return make_url(url)
    except ArgumentError as exc:
        raise DatabaseError(f"invalid database URL {str(url)!r}: {exc}") from None


def safe_url(url: str | URL) -> str:
    """The URL with its password hidden, for messages."""
    return parse_url(url).render_as_string(hide_password=True)


# statements that cannot change the database: a transaction that ran only these may be restarted
_READ_ONLY = re.compile(r"\s*(SELECT\b|PRAGMA\s+[\w.]+\s*(\(|;|$))", re.IGNORECASE)
_SQLITE_STATE = "erp_sqlite"
# seconds a SQLite connection waits for another's write lock (the URL's ``?timeout=`` overrides it)
SQLITE_BUSY_TIMEOUT = 30.0
# SQLite: whether transactions begun in this context may write (``BEGIN IMMEDIATE``)
_writing: ContextVar[bool] = ContextVar("erp_writing", default=False)
_WRITER_OPTION = "erp_writer"
_AFTER_COMMIT = "erp_after_commit"  # callbacks of the open transaction (connection.info)
# the errors that say "another transaction was in the way": running the work again may succeed
_SQLITE_BUSY = ("database is locked", "database table is locked", "database is busy")
_PG_RETRYABLE = {"40001", "40P01"}  # serialization_failure, deadlock_detected


@dataclass
class _SqliteState:
    """What the kernel tracks about one SQLite connection (kept in its pool record's ``info``)."""

    foreign_keys: bool = True  # enforcement as currently set on the connection
    wrote: bool = False  # the open transaction ran a statement that may have changed something


TEXT_COLLATION = "erp_text"  # SQLite's name of :func:`text_sort_key` ordering (kernel.orm.collation uses it)


def text_sort_key(text: str) -> tuple[str, str, str]:
    """How names sort: letters first without their case and accents, then accents, then lower case before
    upper case; ICU's root collation (PostgreSQL's ``und-x-icu``) orders the same way."""
    decomposed = unicodedata.normalize("NFKD", text)
    base = "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()
    return base, decomposed.casefold(), text.swapcase()


def sqlite_text_collation(left: str, right: str) -> int:
    """SQLite collation callback of :data:`TEXT_COLLATION`."""
    left_key, right_key = text_sort_key(left), text_sort_key(right)
    return (left_key > right_key) - (left_key < right_key)


def sqlite_lower(value: object) -> object:
    """SQLite's ``lower()`` for every script, not ASCII only: ``ilike`` (``lower(x) LIKE lower(y)``)
    then matches "ÉCOLE" with "école" as PostgreSQL does; a blob is left as it is."""
    if value is None or isinstance(value, bytes):
        return value
    return str(value).lower()


# -- request time limits ------------------------------------------------------------------------

_deadline: ContextVar[tuple[float, float] | None] = ContextVar("erp_deadline", default=None)  # (monotonic end, limit)
SQLITE_PROGRESS_STEPS = 10_000  # virtual machine instructions between two deadline checks


@contextlib.contextmanager
def request_deadline(seconds: float | None) -> Iterator[None]:
    """Limit the database work of the block (this thread) to ``seconds``; ``None`` or 0: no limit."""
    token = _deadline.set((time.monotonic() + seconds, seconds) if seconds else None)
    try:
        yield
    finally:
        _deadline.reset(token)


def _remaining() -> float | None:
    """Seconds left before the current deadline (negative once past), ``None`` without one."""
    deadline = _deadline.get()
    return None if deadline is None else deadline[0] - time.monotonic()


def _timed_out() -> RequestTimeout:
    """The error of a request past its deadline; the deadline is lifted so that cleaning up can run."""
    deadline = _deadline.get()
    limit = f"{deadline[1]:g} seconds" if deadline else "its time limit"
    _deadline.set(None)
    return RequestTimeout(f"the request took longer than {limit} (setting [web] request_timeout) and was stopped; "
                          "nothing it changed was saved")


def _sqlite_past_deadline() -> int:
    """SQLite's progress handler: a non-zero answer interrupts the running statement."""
    remaining = _remaining()
    return 1 if remaining is not None and remaining <= 0 else 0


def _is_cancellation(error: BaseException | None) -> bool:
    """PostgreSQL's "canceling statement due to statement timeout" or SQLite's "interrupted"."""
    return getattr(error, "sqlstate", None) == "57014" or str(error) == "interrupted"


def _deadlines(engine: Engine) -> None:
    @sa.event.listens_for(engine, "before_cursor_execute")
    def _check(connection, _cursor, _statement, _parameters, _context, _executemany):  # noqa: ANN001
        remaining = _remaining()
        if remaining is not None and remaining <= 0:
            raise _timed_out()

    @sa.event.listens_for(engine, "handle_error")
    def _cancelled(context):  # noqa: ANN001
        remaining = _remaining()
        if remaining is not None and remaining <= 0 and _is_cancellation(context.original_exception):
            raise _timed_out() from context.original_exception

    if engine.dialect.name == "postgresql":
        @sa.event.listens_for(engine, "begin")
        def _statement_timeout(connection):  # noqa: ANN001
            remaining = _remaining()
            if remaining is not None:
                milliseconds = max(int(remaining * 1000), 1)
                connection.exec_driver_sql(f"SET LOCAL statement_timeout = {milliseconds}")


def _sqlite_transactions(engine: Engine) -> None:
    @sa.event.listens_for(engine, "connect")
    def _connect(dbapi_connection, record):  # noqa: ANN001 - DBAPI objects
        dbapi_connection.isolation_level = None
        dbapi_connection.create_function("lower", 1, sqlite_lower, deterministic=True)
        dbapi_connection.create_collation(TEXT_COLLATION, sqlite_text_collation)
        dbapi_connection.set_progress_handler(_sqlite_past_deadline, SQLITE_PROGRESS_STEPS)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")  # a memory database stays "memory"
        cursor.close()
        record.info[_SQLITE_STATE] = _SqliteState()

    @sa.event.listens_for(engine, "begin")
    def _begin(connection):  # noqa: ANN001
        state: _SqliteState = connection.info[_SQLITE_STATE]
        if not state.foreign_keys:
            connection.exec_driver_sql("PRAGMA foreign_keys = ON")
            state.foreign_keys = True
        connection.exec_driver_sql(_begin_statement(connection))
        state.wrote = False

    @sa.event.listens_for(engine, "before_cursor_execute")
    def _track(connection, _cursor, statement, _parameters, _context, _executemany):  # noqa: ANN001
        state: _SqliteState = connection.info[_SQLITE_STATE]
        if not state.wrote and not _READ_ONLY.match(statement):
            state.wrote = True

    @sa.event.listens_for(engine, "commit")
    def _commit(connection):  # noqa: ANN001
        if not connection.info[_SQLITE_STATE].foreign_keys:
            _check_foreign_keys(connection)


def _begin_statement(connection: sa.Connection) -> str:
    return "BEGIN IMMEDIATE" if connection.get_execution_options().get(_WRITER_OPTION) else "BEGIN"


@contextlib.contextmanager
def writing(may_write: bool = True) -> Iterator[None]:
    """The :func:`transaction` opened inside this block (in this thread) may write.

    On SQLite it then takes the write lock when it begins (``BEGIN
    IMMEDIATE``), so that two writers queue instead of one failing when it
    upgrades its read lock; ``may_write=False`` keeps readers that never wait.
    """
    token = _writing.set(may_write)
    try:
        yield
    finally:
        _writing.reset(token)


@contextlib.contextmanager
def transaction(engine: Engine, writer: bool | None = None) -> Iterator[sa.Connection]:
    """``engine.begin()``, as a writer inside :func:`writing` or with ``writer=True``; the other connections
    the work opens stay readers (a second writer in the same thread would wait for the first).

    The callbacks given to :func:`after_commit` run once the transaction has committed, and are
    forgotten when it rolls back."""
    with engine.connect() as connection:
        if _writing.get() if writer is None else writer:
            connection.execution_options(**{_WRITER_OPTION: True})
        callbacks: list[Callable[[], None]] = []
        connection.info[_AFTER_COMMIT] = callbacks
        try:
            with connection.begin():
                yield connection
        finally:
            connection.info.pop(_AFTER_COMMIT, None)
    for callback in callbacks:
        try:
            callback()
        except Exception:  # noqa: BLE001 - the transaction is committed: a callback failing cannot undo it
            log.exception("a callback after the commit failed")


def after_commit(connection: sa.Connection, callback: Callable[[], None]) -> bool:
    """Run ``callback`` once ``connection``'s transaction (opened by :func:`transaction`) has committed.

    Returns ``False`` when the transaction was not opened by :func:`transaction` (a test's rolled-back
    transaction, for one): nothing will call ``callback``.
    """
    callbacks = connection.info.get(_AFTER_COMMIT)
    if callbacks is None:
        return False
    callbacks.append(callback)
    return True


def retryable(exc: BaseException) -> bool:
    """Whether ``exc`` only says that a concurrent transaction was in the way (nothing was changed)."""
    if not isinstance(exc, OperationalError | DBAPIError) or getattr(exc, "connection_invalidated", False):
        return False
    orig = exc.orig
    sqlstate = getattr(orig, "sqlstate", None) or getattr(getattr(orig, "diag", None), "sqlstate", None)
    if sqlstate in _PG_RETRYABLE:
        return True
    return type(orig).__module__.startswith("sqlite3") and str(orig).lower().startswith(_SQLITE_BUSY)


def unavailable(exc: BaseException) -> bool:
    """Whether ``exc`` says the database cannot be reached (down, restarting, connection lost)."""
    if not isinstance(exc, DBAPIError):
        return False
    if exc.connection_invalidated:
        return True
    orig = exc.orig
    sqlstate = getattr(orig, "sqlstate", None) or getattr(getattr(orig, "diag", None), "sqlstate", None)
    if sqlstate is not None:
        # connection exceptions, and the server shutting down or starting up
        return sqlstate.startswith("08") or sqlstate in ("57P01", "57P02", "57P03")
    return type(orig).__module__.startswith("psycopg") and isinstance(exc, OperationalError)


def sqlite_foreign_keys_off(connection: sa.Connection) -> bool:
    """Run the rest of this SQLite transaction with foreign keys not enforced; ``False`` if too late.

    Rebuilding a table on SQLite drops it, and with foreign keys enforced the
    drop deletes or nulls the rows of every table referring to it.  SQLite only
    switches enforcement outside a transaction, so a transaction that has read
    but not written is restarted (nothing is lost); one that has written cannot
    be.  Before such a transaction commits, ``PRAGMA foreign_key_check`` runs and
    a dangling reference raises :class:`SchemaError` instead of committing.
    """
    state: _SqliteState = connection.info[_SQLITE_STATE]
    if not state.foreign_keys:
        return True
    if state.wrote or connection.in_nested_transaction():
        return False
    for statement in ("COMMIT", "PRAGMA foreign_keys = OFF", _begin_statement(connection)):
        connection.exec_driver_sql(statement)
    state.foreign_keys, state.wrote = False, False
    return True


def _check_foreign_keys(connection: sa.Connection) -> None:
    dangling = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
    if not dangling:
        return
    connection.exec_driver_sql("ROLLBACK")
    shown = ", ".join(f"{table} row {rowid} -> {parent}" for table, rowid, parent, _ in dangling[:10])
    more = f" and {len(dangling) - 10} more" if len(dangling) > 10 else ""
    raise SchemaError(
        f"rolled back: {len(dangling)} row(s) refer to rows that no longer exist ({shown}{more}); "
        "foreign keys were not enforced during this transaction to rebuild tables"
    )


def create_engine(url: str | URL) -> Engine:
    """An engine for ``url`` with real transactions on SQLite and psycopg 3 on PostgreSQL."""
    parsed = parse_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    options: dict = {}
    if parsed.get_backend_name() == "sqlite":
        if "timeout" not in parsed.query:
            options["connect_args"] = {"timeout": SQLITE_BUSY_TIMEOUT}
    else:
        options["pool_pre_ping"] = True
    try:
        engine = sa.create_engine(parsed, **options)
    except (ArgumentError, NoSuchModuleError) as exc:
        raise DatabaseError(f"unsupported database URL {safe_url(url)}: {exc}") from None
    if engine.dialect.name == "sqlite":
        _sqlite_transactions(engine)
    _deadlines(engine)
    return engine


def _connect_error(url: str | URL, exc: Exception) -> DatabaseError:
    reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
    return DatabaseError(f"cannot connect to database {safe_url(url)}: {reason}")


def check_connection(engine: Engine) -> None:
    """Raise :class:`DatabaseError` with the reason when the database cannot be reached."""
    try:
        with engine.connect():
            pass
    except OperationalError as exc:
        raise _connect_error(engine.url, exc) from None


def _maintenance_engine(url: URL) -> Engine:
    return sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")


def database_exists(url: str | URL) -> bool:
    parsed = parse_url(url)
    if parsed.get_backend_name() == "sqlite":
        return not parsed.database or parsed.database == ":memory:" or Path(parsed.database).exists()
    engine = _maintenance_engine(create_engine(parsed).url)
    try:
        with engine.connect() as conn:
            query = sa.text("SELECT 1 FROM pg_database WHERE datname = :name")
            return conn.execute(query, {"name": parsed.database}).first() is not None
    except OperationalError as exc:
        raise _connect_error(parsed, exc) from None
    finally:
        engine.dispose()


def create_database(url: str | URL) -> None:
    """Create the database (a PostgreSQL database, or a SQLite file's folder) if missing."""
    parsed = parse_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        return
    if database_exists(parsed):
        return
    engine = _maintenance_engine(create_engine(parsed).url)
    try:
        with engine.connect() as conn:
            name = engine.dialect.identifier_preparer.quote(parsed.database)
            conn.exec_driver_sql(f"CREATE DATABASE {name} ENCODING 'UTF8' TEMPLATE template0")
    except OperationalError as exc:
        raise _connect_error(parsed, exc) from None
    finally:
        engine.dispose()


def drop_database(url: str | URL) -> None:
    """Drop the database (or delete the SQLite file); used by tests and ``erp`` tooling."""
    parsed = parse_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            for suffix in ("", "-journal", "-wal", "-shm", "-lifecycle.lock"):
                Path(parsed.database + suffix).unlink(missing_ok=True)
        return
    engine = _maintenance_engine(create_engine(parsed).url)
    try:
        with engine.connect() as conn:
            name = engine.dialect.identifier_preparer.quote(parsed.database)
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    finally:
        engine.dispose()
