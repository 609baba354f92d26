"""``erp shell``: Python with ``env`` bound, reading its script from stdin when it is not a terminal."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time

import pytest

from kernel.config import PROJECT_ROOT


def shell(db_url: str, script: str, *options: str) -> subprocess.CompletedProcess[str]:
    environ = {key: value for key, value in os.environ.items() if not key.startswith("ERP_") or key.startswith("ERP_TEST")}
    return subprocess.run([sys.executable, "-m", "kernel", "--db", db_url, "shell", *options], input=script,
                          capture_output=True, text=True, env=environ, cwd=PROJECT_ROOT, timeout=120)


@pytest.fixture
def database(kernel) -> str:
    """A database holding base, its URL."""
    kernel.close()
    return kernel.url


def test_the_script_runs_as_superuser_and_its_changes_are_committed(database):
    created = shell(database, "p = env['basepartner'].create({'name': 'From The Shell'})\nprint(env.su, p.name)")
    assert created.returncode == 0, created.stderr
    assert created.stdout.strip() == "True From The Shell"
    found = shell(database, "print(env['basepartner'].search_count([('name', '=', 'From The Shell')]))")
    assert found.stdout.strip() == "1"


def test_rollback_discards_the_changes(database):
    result = shell(database, "env['basepartner'].create({'name': 'Discarded'})", "--rollback")
    assert result.returncode == 0, result.stderr
    assert "rolled back" in result.stderr
    assert shell(database, "print(env['basepartner'].search_count([('name', '=', 'Discarded')]))").stdout.strip() == "0"


def test_a_failing_script_exits_1_naming_the_error_and_changes_nothing(database):
    result = shell(database, "env['basepartner'].create({'name': 'Half Done'})\n1 / 0\n")
    assert result.returncode == 1
    assert "ZeroDivisionError" in result.stderr
    assert shell(database, "print(env['basepartner'].search_count([('name', '=', 'Half Done')]))").stdout.strip() == "0"


def test_login_acts_as_that_user_with_access_rules(database):
    created = shell(database, "env['res.users'].create({'name': 'Clerk', 'login': 'clerk', 'password': 'clerk-pw', "
                              "'group_ids': [(6, 0, [env.ref('base.group_user').id])]})")
    assert created.returncode == 0, created.stderr
    result = shell(database, "print(env.user.login, env.su)\nenv['ir.config_parameter'].search([])", "--login", "clerk")
    assert result.returncode == 1
    assert result.stdout.strip() == "clerk False"
    assert "ir.config_parameter" in result.stderr


def test_an_unknown_login_is_refused(database):
    result = shell(database, "print('never')", "--login", "ghost")
    assert result.returncode == 1
    assert "no active user with login 'ghost'" in result.stderr and "never" not in result.stdout


def test_at_a_terminal_the_shell_is_interactive(database):
    """Through a pseudo-terminal, as a developer types: a banner, a prompt, ``env`` bound, Ctrl-D to leave."""
    environ = {key: value for key, value in os.environ.items() if not key.startswith("ERP_") or key.startswith("ERP_TEST")}
    controller, terminal = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "kernel", "--db", database, "shell"], stdin=terminal,
                               stdout=terminal, stderr=terminal, env=environ, cwd=PROJECT_ROOT)
    os.close(terminal)
    try:
        banner = read_until(controller, b">>> ")
        os.write(controller, b"print('uid', env.uid)\r")
        answer = read_until(controller, b">>> ")
        os.write(controller, b"\x04")
        assert process.wait(timeout=60) == 0
    finally:
        os.close(controller)
        if process.poll() is None:
            process.kill()
            process.wait()
    assert "erp shell on Kernel(" in banner and "changes are committed on exit" in banner
    assert "uid 1" in answer


def read_until(descriptor: int, marker: bytes, seconds: float = 60) -> str:
    """What the terminal shows until ``marker`` appears (the prompt); fails after ``seconds``."""
    output = b""
    deadline = time.monotonic() + seconds
    while marker not in output:
        ready, _, _ = select.select([descriptor], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            raise AssertionError(f"no {marker!r} on the terminal; it shows: {output.decode(errors='replace')}")
        output += os.read(descriptor, 4096)
    return output.decode(errors="replace")
