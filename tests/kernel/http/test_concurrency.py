"""Eight real clients writing at once to ``erp serve`` (two workers, four threads each): no write fails.

On SQLite, the default set-up, writers must wait for each other (WAL, ``BEGIN
IMMEDIATE``, a busy timeout, retried requests) instead of failing with
"database is locked"; on PostgreSQL the same load must pass as well.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import requests

from kernel.testing import Server, server_session

CLIENTS = 8
CREATES_PER_CLIENT = 12


def _call(session: requests.Session, server: Server, method: str, args: list, kwargs: dict) -> str | None:
    """The failure of one ``call_kw``, or ``None``."""
    body = {"jsonrpc": "2.0", "method": "call", "id": 2,
            "params": {"model": "test.item", "method": method, "args": args, "kwargs": kwargs}}
    response = session.post(f"{server.url}/web/dataset/call_kw", json=body, timeout=120)
    if response.status_code != 200 or "error" in response.json():
        return f"{response.status_code} {response.text[:300]}"
    return None


def _client(server: Server, session: requests.Session, number: int, errors: list[str]) -> None:
    for index in range(CREATES_PER_CLIENT):
        for method, args, kwargs in (("create", [{"name": f"concurrent {number}-{index}", "qty": index}], {}),
                                     ("search_read", [[("name", "=like", f"concurrent {number}-%")]],
                                      {"fields": ["qty"]})):
            failure = _call(session, server, method, args, kwargs)
            if failure:
                errors.append(f"client {number}, {method} {index}: {failure}")


def test_eight_concurrent_writers_get_no_error(server: Server) -> None:
    errors: list[str] = []
    sessions = [server_session(server) for _ in range(CLIENTS)]  # one at a time: this test is about writes
    threads = [threading.Thread(target=_client, args=(server, sessions[n], n, errors)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [], f"{len(errors)} failed: {errors[:5]}\n{server.log_text()[-3000:]}"
    with server.kernel.env() as env:
        assert env["test.item"].search_count([("name", "=like", "concurrent %")]) == CLIENTS * CREATES_PER_CLIENT


def test_an_install_while_clients_write_succeeds_and_fails_no_write(server: Server) -> None:
    """``erp install`` in another process takes its turn among the server's writers on SQLite."""
    errors: list[str] = []
    stop = threading.Event()
    sessions = [server_session(server) for _ in range(CLIENTS)]

    def writer(number: int) -> None:
        index = 0
        while not stop.is_set():
            failure = _call(sessions[number], server, "create", [{"name": f"during install {number}-{index}"}], {})
            if failure:
                errors.append(f"client {number}, create {index}: {failure}")
            index += 1

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    try:
        erp = Path(sys.executable).with_name("erp")
        env = {k: v for k, v in os.environ.items() if not k.startswith("ERP_") or k.startswith("ERP_TEST")}
        installed = subprocess.run([str(erp), "--config", str(server.config), "install", "core_purchase", "--noinput"],
                                   capture_output=True, text=True, env=env, timeout=600)
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    assert installed.returncode == 0, installed.stderr[-3000:]
    assert errors == [], f"{len(errors)} failed: {errors[:5]}\n{server.log_text()[-3000:]}"
