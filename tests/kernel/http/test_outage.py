"""PostgreSQL going away under a running ``erp serve``: 503 during the outage, no failure after it.

The server reaches PostgreSQL through a TCP relay the test controls: closing
the relay drops every pooled connection as a database restart does, and
keeps new ones from connecting (the outage); opening it again is the
database coming back.  JSON-RPC, XML-RPC and REST must answer 503 with a
clear message while the database is away, and the first request on every
pooled connection afterwards must succeed.
"""

from __future__ import annotations

import json
import os
import socket
import threading
import urllib.error
import urllib.request
import xmlrpc.client
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kernel.db import parse_url
from kernel.testing import database_backends, free_port, installed_kernel, running_server

CLIENTS = 8
LOGIN, PASSWORD = "outage", "outage-pw"


class Relay:
    """Forwards a local port to PostgreSQL; :meth:`close` cuts every connection and refuses new ones."""

    def __init__(self, target: tuple[str, int]):
        self.target, self.port = target, free_port()
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._listener: socket.socket | None = None

    def open(self) -> None:
        listener = socket.create_server(("127.0.0.1", self.port))
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def close(self) -> None:
        if self._listener is not None:
            self._listener.shutdown(socket.SHUT_RDWR)  # wakes the thread waiting in accept()
            self._listener.close()
            self._listener = None
        with self._lock:
            for each in self._sockets:
                try:
                    each.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                each.close()
            self._sockets.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            with self._lock:
                self._sockets += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        for each in (source, sink):
            try:
                each.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class Served:
    def __init__(self, url: str, db_user_id: int, api_key: str, log: Path):
        self.url, self.uid, self.api_key, self.log = url, db_user_id, api_key, log

    def jsonrpc(self, model: str, method: str, *args: Any) -> tuple[int, dict[str, Any]]:
        payload = {"jsonrpc": "2.0", "method": "call", "id": 1, "params": {
            "service": "object", "method": "execute_kw",
            "args": ["default", self.uid, PASSWORD, model, method, list(args)]}}
        request = urllib.request.Request(f"{self.url}/jsonrpc", json.dumps(payload).encode(),
                                         {"Content-Type": "application/json", "Connection": "close"})
        return _open(request)

    def xmlrpc(self, model: str, method: str, *args: Any) -> Any:
        proxy = xmlrpc.client.ServerProxy(f"{self.url}/xmlrpc/2/object")
        try:
            return proxy.execute_kw("default", self.uid, PASSWORD, model, method, list(args))
        finally:
            proxy("close")()

    def rest(self, path: str) -> tuple[int, dict[str, Any]]:
        request = urllib.request.Request(f"{self.url}/api/v1/{path}",
                                         headers={"Authorization": f"Bearer {self.api_key}", "Connection": "close"})
        return _open(request)


def _open(request: urllib.request.Request) -> tuple[int, dict[str, Any]]:
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


@pytest.fixture(params=[b for b in database_backends() if b == "postgresql"])
def served(request: pytest.FixtureRequest, tmp_path: Path, erp_addons_path: list[Path]) -> Iterator[tuple[Served, Relay]]:
    with installed_kernel(request.param, tmp_path, erp_addons_path, ["http_items"]) as kernel:
        with kernel.env() as env:
            user = env["res.users"].create({"name": "Tester", "login": LOGIN, "password": PASSWORD,
                                           "group_ids": [(6, 0, [env.ref("base.group_user").id])]})
            _record, api_key = env["res.users.apikey"].generate(user.id, "outage test")
        url = parse_url(kernel.url)
        relay = Relay((url.host or "127.0.0.1", url.port or 5432))
        relay.open()
        relayed = url.set(host="127.0.0.1", port=relay.port).render_as_string(hide_password=False)
        try:
            with running_server(kernel, tmp_path, database_url=relayed) as running:
                yield Served(running.url, user.id, api_key, running.log), relay
        finally:
            relay.close()


def _busy_clients(served: Served) -> list[str]:
    """Eight clients at once, so that both workers use several pooled connections; their failures."""
    failures: list[str] = []

    def client(number: int) -> None:
        status, answer = served.jsonrpc("test.item", "create", {"name": f"outage {number}-{os.urandom(4).hex()}"})
        if status != 200 or "error" in answer:
            failures.append(f"{status} {answer.get('error')}")

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return failures


def test_restart_fails_no_request_and_outage_is_503(served: tuple[Served, Relay]) -> None:
    server, relay = served
    for _ in range(3):
        assert _busy_clients(server) == []

    relay.close()  # a restart: every pooled connection dies, the database comes back at once
    relay.open()
    for _ in range(3):
        assert _busy_clients(server) == [], server.log.read_text(errors="replace")[-3000:]

    relay.close()  # an outage: new connections are refused
    status, answer = server.jsonrpc("test.item", "search_read", [])
    assert status == 503
    assert answer["error"]["data"]["message"].startswith("The database is unavailable")
    with pytest.raises(xmlrpc.client.ProtocolError) as refused:
        server.xmlrpc("test.item", "search_count", [])
    assert refused.value.errcode == 503
    status, answer = server.rest("test.item")
    assert (status, answer["error"]["code"]) == (503, "DATABASE_UNAVAILABLE")
    assert "Internal server error" not in server.log.read_text(errors="replace")

    relay.open()  # back again
    assert _busy_clients(server) == []
    assert server.xmlrpc("test.item", "search_count", []) >= 7 * CLIENTS
    assert server.rest("test.item")[0] == 200
