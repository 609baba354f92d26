"""Benchmark of the ORM against raw SQLAlchemy Core (issue 3, "Performance").

On a throwaway SQLite file and a throwaway PostgreSQL database, in one
process, the ORM (model ``bench.partner`` of ``tests/fixtures/bench_addons``)
and SQLAlchemy Core (a copy of its table: same columns, same foreign keys, same
unique index on ``email``) do the same work:

    create       10,000 records in batches of 1,000
    search+read  ``name ilike`` matching 10% of the rows, with their names
    read         5 fields of 1,000 records by id, in a new transaction (cold cache)
    write        one value on 1,000 records
    name search  what ``name_search`` does for a word in one name in ten on a model ordered by name
                 (the many2one autocompletion): ``ilike``, limit 80, display names; raw: the same ``ILIKE`` (SQLite: its own case-insensitive ``LIKE``),
                 order and limit.  On PostgreSQL both tables get a trigram index on ``name``.

"The same work" means the same rows and the same results: the raw side also
fills ``create_date``/``write_date``/``create_uid``/``write_uid`` and, like the
ORM's search, keeps active rows only and orders by id.  Each figure is the
median of ``--repeats`` runs, ORM and raw alternating; each run has its own
transaction, rolled back afterwards, and only the operation itself is timed.
It also times ``Kernel.build_registry()`` with every product addon installed
(most of them still empty) and with the kernel's fixture addons.

    .venv/bin/python scripts/bench_orm.py [--sqlite-only] [--pg-url URL] [--repeats N] [--profile]

``--profile`` adds one cProfile run of each ORM operation and prints its hottest
functions.  Targets (ORM/raw): create <= 3x, search+read <= 1.5x, read <= 2x,
write <= 2x, name search <= 2x; registry build < 0.15 s.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import pstats
import resource
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import sqlalchemy as sa

from kernel.db import NAMING_CONVENTION, create_database, drop_database, parse_url, utcnow
from kernel.exceptions import KernelError
from kernel.kernel import Kernel
from kernel.orm.env import SUPERUSER_ID, Environment
from kernel.orm.search_index import ensure_trigram_index, trigram_index_name

ROOT = Path(__file__).resolve().parent.parent
BENCH_ADDONS = ROOT / "tests" / "fixtures" / "bench_addons"
FIXTURE_ADDONS = ROOT / "tests" / "fixtures" / "orm_addons"
PRODUCT_ADDONS = ROOT / "addons"
DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"

MODEL, RAW_TABLE = "bench.partner", "bench_raw_partner"
TOTAL, BATCH, SAMPLE = 10_000, 1_000, 1_000
WORDS = ("amber", "birch", "cedar", "delta", "ember", "fjord", "grove", "heron", "iris", "juniper")
PATTERN = "delta"  # one word in ten: matches 10% of the names
READ_FIELDS = ["name", "email", "phone", "city", "active"]
TARGETS = {"create": 3.0, "search+read": 1.5, "read": 2.0, "write": 2.0, "name search": 2.0}
NAME_SEARCH_LIMIT = 80
REGISTRY_TARGET_MS = 150.0


def partner_values(index: int) -> dict:
    return {
        "name": f"Partner {index:05d} {WORDS[index % len(WORDS)]}",
        "email": f"partner{index}@example.com",
        "phone": f"+1 555 {index:07d}",
        "city": ("Lyon", "Gent", "Porto", "Turku")[index % 4],
    }


BATCHES = [[partner_values(i) for i in range(start, start + BATCH)] for start in range(0, TOTAL, BATCH)]


def raw_copy(table: sa.Table) -> sa.Table:
    """A table with ``table``'s columns, foreign keys and indexes under another name."""
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)
    for fk in table.foreign_keys:  # stubs, so that the copied foreign keys resolve; never created
        if fk.column.table.name not in metadata.tables:
            sa.Table(fk.column.table.name, metadata, sa.Column("id", sa.Integer, primary_key=True))
    columns = [
        sa.Column(c.name, c.type, *(sa.ForeignKey(fk.target_fullname, ondelete=fk.ondelete) for fk in c.foreign_keys),
                  primary_key=c.primary_key, nullable=c.nullable)
        for c in table.columns
    ]
    copy = sa.Table(RAW_TABLE, metadata, *columns)
    for index in table.indexes:
        sa.Index(None, *(copy.c[c.name] for c in index.columns), unique=index.unique)
    return copy


class Bench:
    """One database holding ``bench.partner`` and its raw twin."""

    def __init__(self, url: str):
        self.kernel = Kernel(url, addons_path=[BENCH_ADDONS])
        self.kernel.init()
        self.kernel.install(["bench"])
        self.registry = self.kernel.registry
        self.raw = raw_copy(self.registry[MODEL]._sql)
        with self.kernel.engine.begin() as connection:
            self.raw.create(connection)
            if connection.dialect.name == "postgresql":
                ensure_trigram_index(self.kernel.environment(connection, registry=self.registry), MODEL, "name")
                connection.exec_driver_sql(f"CREATE INDEX {trigram_index_name(RAW_TABLE, 'name')} "
                                           f"ON {RAW_TABLE} USING gin (name gin_trgm_ops)")
        self.orm_ids: list[int] = []
        self.raw_ids: list[int] = []

    @contextlib.contextmanager
    def connection(self, commit: bool = False) -> Iterator[sa.Connection]:
        with self.kernel.engine.connect() as connection:
            transaction = connection.begin()
            try:
                yield connection
            finally:
                if commit:
                    transaction.commit()
                else:
                    transaction.rollback()

    @contextlib.contextmanager
    def env(self, commit: bool = False) -> Iterator[Environment]:
        with self.connection(commit) as connection:
            yield self.kernel.environment(connection, registry=self.registry)

    def load(self) -> None:
        """Commit the 10,000 rows in both tables; remember 1,000 ids spread over each."""
        with self.env(commit=True) as env:
            orm_create(self, env)
        with self.connection(commit=True) as connection:
            raw_create(self, connection)
        with self.connection() as connection:
            for table, ids in ((self.registry[MODEL]._sql, self.orm_ids), (self.raw, self.raw_ids)):
                ids[:] = connection.execute(sa.select(table.c.id).order_by(table.c.id)).scalars().all()[:: TOTAL // SAMPLE]

    def close(self) -> None:
        self.kernel.close()


# -- the operations: each ORM/raw pair does the same work ------------------------------------------

def orm_create(bench: Bench, env: Environment) -> int:
    model = env[MODEL]
    return sum(len(model.create(batch)) for batch in BATCHES)


def raw_create(bench: Bench, connection: sa.Connection) -> int:
    for batch in BATCHES:
        now = utcnow()
        audit = {"active": True, "create_date": now, "write_date": now, "create_uid": SUPERUSER_ID, "write_uid": SUPERUSER_ID}
        connection.execute(bench.raw.insert(), [{**values, **audit} for values in batch])
    return TOTAL


def orm_search(bench: Bench, env: Environment) -> int:
    return len(env[MODEL].search_read([("name", "ilike", PATTERN)], ["name"]))


def raw_ilike(connection: sa.Connection, column: sa.ColumnElement, pattern: str) -> sa.ColumnElement[bool]:
    """The cheapest case-insensitive match of an ASCII pattern: SQLite's own LIKE, PostgreSQL's ILIKE."""
    return column.like(pattern) if connection.dialect.name == "sqlite" else column.ilike(pattern)


def raw_search(bench: Bench, connection: sa.Connection) -> int:
    table = bench.raw
    query = (sa.select(table.c.id, table.c.name)
             .where(raw_ilike(connection, table.c.name, f"%{PATTERN}%"), table.c.active.is_(True))
             .order_by(table.c.id))
    return len(connection.execute(query).all())


def orm_read(bench: Bench, env: Environment) -> int:
    return len(env[MODEL].browse(bench.orm_ids).read(READ_FIELDS))


def raw_read(bench: Bench, connection: sa.Connection) -> int:
    table = bench.raw
    query = sa.select(table.c.id, *(table.c[name] for name in READ_FIELDS)).where(table.c.id.in_(bench.raw_ids))
    return len(connection.execute(query).all())


def orm_write(bench: Bench, env: Environment) -> int:
    records = env[MODEL].browse(bench.orm_ids)
    records.write({"city": "X"})
    return len(records)


def raw_write(bench: Bench, connection: sa.Connection) -> int:
    table = bench.raw
    statement = (sa.update(table).where(table.c.id.in_(bench.raw_ids))
                 .values(city="X", write_date=utcnow(), write_uid=SUPERUSER_ID))
    return connection.execute(statement).rowcount


def orm_name_search(bench: Bench, env: Environment) -> int:
    """What ``name_search`` does on a model ordered by name: search with a limit, then the display names."""
    records = env[MODEL].search([("name", "ilike", PATTERN)], limit=NAME_SEARCH_LIMIT, order="name")
    return len(records._display_names())


def raw_name_search(bench: Bench, connection: sa.Connection) -> int:
    table = bench.raw
    query = (sa.select(table.c.id, table.c.name)
             .where(raw_ilike(connection, table.c.name, f"%{PATTERN}%"), table.c.active.is_(True))
             .order_by(table.c.name, table.c.id).limit(NAME_SEARCH_LIMIT))
    return len(connection.execute(query).all())


OPERATIONS: dict[str, tuple[Callable, Callable]] = {
    "create": (orm_create, raw_create),
    "search+read": (orm_search, raw_search),
    "read": (orm_read, raw_read),
    "write": (orm_write, raw_write),
    "name search": (orm_name_search, raw_name_search),
}


def run_once(bench: Bench, operation: Callable, orm: bool, profiler: cProfile.Profile | None = None) -> tuple[float, int]:
    """Seconds taken by one run in its own rolled-back transaction, and how many rows it handled."""
    with (bench.env() if orm else bench.connection()) as handle:
        if profiler is not None:
            profiler.enable()
        start = time.perf_counter()
        count = operation(bench, handle)
        elapsed = time.perf_counter() - start
        if profiler is not None:
            profiler.disable()
    return elapsed, count


def measure(bench: Bench, name: str, repeats: int) -> tuple[float, float]:
    """Median milliseconds of the ORM and raw sides; both must handle as many rows."""
    orm_op, raw_op = OPERATIONS[name]
    orm_times, raw_times = [], []
    for _ in range(repeats):
        orm_seconds, orm_count = run_once(bench, orm_op, orm=True)
        raw_seconds, raw_count = run_once(bench, raw_op, orm=False)
        if orm_count != raw_count:
            raise RuntimeError(f"{name}: the ORM handled {orm_count} rows, raw SQL {raw_count}")
        orm_times.append(orm_seconds)
        raw_times.append(raw_seconds)
    return statistics.median(orm_times) * 1000, statistics.median(raw_times) * 1000


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def bench_backend(label: str, url: str, repeats: int, profile: bool) -> None:
    bench = Bench(url)
    try:
        results: dict[str, tuple[float, float]] = {}
        profiles: dict[str, cProfile.Profile] = {}
        for name, (orm_op, _) in OPERATIONS.items():
            if name != "create" and not bench.orm_ids:
                bench.load()  # create runs on empty tables, the others on 10,000 rows
            results[name] = measure(bench, name, repeats)
            if profile:
                profiles[name] = cProfile.Profile()
                run_once(bench, orm_op, orm=True, profiler=profiles[name])
        print(f"\n{label}: ORM vs raw SQLAlchemy Core, median of {repeats} runs")
        print(f"  {'operation':<13}{'ORM ms':>10}{'raw ms':>10}{'ratio':>8}{'target':>9}")
        for name, (orm_ms, raw_ms) in results.items():
            ratio = orm_ms / raw_ms
            print(f"  {name:<13}{orm_ms:>10.1f}{raw_ms:>10.1f}{ratio:>7.2f}x{'<= ' + format(TARGETS[name], 'g') + 'x':>9}"
                  f"  {verdict(ratio <= TARGETS[name])}")
        for name, profiler in profiles.items():
            print(f"\n--- {label} {name}: ORM side, cProfile (internal time)")
            pstats.Stats(profiler).sort_stats("tottime").print_stats(15)
    finally:
        bench.close()


# -- registry build ---------------------------------------------------------------------------------

def registry_ms(folder: Path, addons_path: Path, addons: list[str] | None, repeats: int) -> tuple[float, int, int]:
    """Median ms of ``build_registry()`` with ``addons`` (default: every addon on the path) installed."""
    kernel = Kernel(f"sqlite:///{folder / f'registry_{uuid.uuid4().hex[:8]}.sqlite3'}", addons_path=[addons_path])
    try:
        kernel.init()
        kernel.install(addons if addons is not None else list(kernel.manifests))
        kernel.build_registry()  # imports the addons and loads their plugins once
        times = []
        for _ in range(max(repeats, 5)):
            start = time.perf_counter()
            registry = kernel.build_registry()
            times.append(time.perf_counter() - start)
        return statistics.median(times) * 1000, len(kernel.installed()), len(registry.models)
    finally:
        kernel.close()


def bench_registry(folder: Path, repeats: int) -> None:
    print(f"\nregistry build (Kernel.build_registry(), median of {max(repeats, 5)} builds)")
    cases = (("every product addon", PRODUCT_ADDONS, None), ("kernel + ORM fixture addons", FIXTURE_ADDONS, None),
             ("kernel + bench addon", BENCH_ADDONS, ["bench"]))
    for label, path, addons in cases:
        try:
            ms, addon_count, model_count = registry_ms(folder, path, addons, repeats)
        except KernelError as exc:  # the fixtures change with the ORM: say so, measure the rest
            print(f"  {label:<28} FAILED: {str(exc).splitlines()[0]}")
            continue
        print(f"  {label:<28} {addon_count:>2} addons {model_count:>3} models {ms:>8.1f} ms"
              f"  target < {REGISTRY_TARGET_MS:g} ms  {verdict(ms < REGISTRY_TARGET_MS)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg-url", default=DEFAULT_PG_URL, help="PostgreSQL server URL (a database is created on it)")
    parser.add_argument("--sqlite-only", action="store_true", help="skip PostgreSQL")
    parser.add_argument("--repeats", type=int, default=5, help="runs per measurement (the median is reported)")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of each ORM operation")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench_orm_") as folder:
        bench_backend("SQLite", f"sqlite:///{Path(folder) / 'bench.sqlite3'}", args.repeats, args.profile)
        if not args.sqlite_only:
            url = parse_url(args.pg_url).set(database=f"erp_bench_{uuid.uuid4().hex[:12]}")
            url_text = url.render_as_string(hide_password=False)
            create_database(url_text)
            try:
                bench_backend("PostgreSQL", url_text, args.repeats, args.profile)
            finally:
                drop_database(url_text)
        bench_registry(Path(folder), args.repeats)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux
    print(f"\npeak memory (ru_maxrss): {peak:.1f} MB")


if __name__ == "__main__":
    main()
