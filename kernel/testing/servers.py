"""A real ``erp serve`` (gunicorn) in a child process, for tests and benchmarks that speak HTTP."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from ..kernel import Kernel
from ..models.filestore import AttachmentSettings

STARTUP_SECONDS = 60


@dataclass
class Server:
    """A running server: its URL, the kernel on the database it serves (alias ``db``), its files, and the user a
    fixture prepared for logging in (``login``, ``password``, ``uid``; empty when it prepared none)."""

    url: str
    port: int
    kernel: Kernel
    config: Path
    log: Path
    db: str = "default"
    login: str = ""
    password: str = ""
    uid: int = 0

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen, log: Path) -> None:
    """Wait for ``erp serve`` at ``url`` to answer ``/healthz``; its log in the error if it never does."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"erp serve exited with {process.returncode}:\n{log.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"erp serve did not answer within {STARTUP_SECONDS} s:\n{log.read_text(errors='replace')}")


def write_config(path: Path, url: str, addons_path: Iterable[Path], web: Mapping[str, object] | None = None,
                 aliases: Iterable[str] = (), filestore: Path | None = None) -> Path:
    """A configuration file serving ``url`` as ``default`` (and ``aliases``), with ``[web]`` settings and the
    attachments' ``filestore`` folder."""
    lines = ["[databases]", f"default = {json.dumps(url)}", *(f"{alias} = {json.dumps(url)}" for alias in aliases),
             "", "[addons]", "path = [" + ", ".join(json.dumps(str(p)) for p in addons_path) + "]", "", "[web]"]
    lines += [f"{key} = {json.dumps(value)}" for key, value in (web or {}).items()]  # JSON scalars are TOML scalars
    if filestore is not None:
        lines += ["", "[attachments]", f"filestore = {json.dumps(str(filestore))}"]
    path.write_text("\n".join(lines) + "\n")
    return path


@contextlib.contextmanager
def running_server(kernel: Kernel, folder: Path, web: Mapping[str, object] | None = None,
                   aliases: Iterable[str] = (), workers: int = 2, database_url: str | None = None) -> Iterator[Server]:
    """``erp serve`` on ``kernel``'s database and addons path until the block ends; its log in ``folder``.

    ``database_url`` is where the server connects instead of ``kernel.url`` (a relay in front of it).
    """
    config = write_config(folder / "erp.toml", database_url or kernel.url, kernel.settings.addons_path, web, aliases,
                          AttachmentSettings.from_settings(kernel.settings).root)  # the files the kernel sees
    port = free_port()
    log = folder / "serve.log"
    # the configuration file decides, not the ERP_* variables of whoever runs the tests
    environ = {k: v for k, v in os.environ.items() if not k.startswith("ERP_") or k.startswith("ERP_TEST")}
    command = [sys.executable, "-m", "kernel", "--config", str(config), "serve",
               "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)]
    with log.open("w") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, env=environ)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url, process, log)
        yield Server(url, port, kernel, config, log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
