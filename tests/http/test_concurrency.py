"""Eight real clients writing at once to ``erp serve`` (two workers, four threads each): no write fails.

On SQLite, the default set-up, writers must wait for each other (WAL, ``BEGIN
IMMEDIATE``, a busy timeout, retried requests) instead of failing with
"database is locked"; on PostgreSQL the same load must pass as well.
"""

from __future__ import annotations

import threading
import xmlrpc.client

from conftest import Server

CLIENTS = 8
CREATES_PER_CLIENT = 12


def _client(server: Server, number: int, errors: list[str], ids: list[int]) -> None:
    common = xmlrpc.client.ServerProxy(f"{server.url}/xmlrpc/2/common")
    objects = xmlrpc.client.ServerProxy(f"{server.url}/xmlrpc/2/object")
    try:
        uid = common.login(server.db, server.login, server.password)
        for index in range(CREATES_PER_CLIENT):
            try:
                ids.append(objects.execute_kw(server.db, uid, server.password, "test.item", "create",
                                              [{"name": f"concurrent {number}-{index}", "qty": index}]))
                objects.execute_kw(server.db, uid, server.password, "test.item", "search_read",
                                   [[("name", "=like", f"concurrent {number}-%")]], {"fields": ["qty"]})
            except (xmlrpc.client.Fault, xmlrpc.client.ProtocolError) as exc:
                errors.append(f"client {number}, create {index}: {exc}")
    finally:
        common("close")()
        objects("close")()


def test_eight_concurrent_writers_get_no_error(server: Server) -> None:
    errors: list[str] = []
    ids: list[int] = []
    threads = [threading.Thread(target=_client, args=(server, number, errors, ids)) for number in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [], f"{len(errors)} failed: {errors[:5]}\n{server.log_text()[-3000:]}"
    assert len(set(ids)) == CLIENTS * CREATES_PER_CLIENT
    with server.kernel.env() as env:
        assert env["test.item"].search_count([("name", "=like", "concurrent %")]) == CLIENTS * CREATES_PER_CLIENT
