"""One lifecycle command at a time per database: two real ``erp`` processes at once, on SQLite and PostgreSQL.

The addon ``slow`` holds its install open in ``kernel_post_install`` until the
test creates a file, so that a second command surely runs while the first
holds the lock.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from kernel import Kernel
from kernel.db import create_engine
from kernel.exceptions import LifecycleLockError

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "addons"
ERP = Path(sys.executable).with_name("erp")

SLOW_INIT = '''
import pathlib
import time


def kernel_post_install(env):
    signals = pathlib.Path({signals!r})
    (signals / "started").write_text("")
    deadline = time.monotonic() + 120
    while not (signals / "release").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
'''


@pytest.fixture
def addons(tmp_path: Path) -> Path:
    """base, ``slow`` (waits in its post_install), ``quick`` and ``other``; the signal files go to tmp_path/signals."""
    root = tmp_path / "addons"
    shutil.copytree(FIXTURES / "base", root / "base")
    (tmp_path / "signals").mkdir()
    for name, init in (("slow", SLOW_INIT.format(signals=str(tmp_path / "signals"))), ("quick", ""), ("other", "")):
        (root / name).mkdir()
        (root / name / "__manifest__.py").write_text(f"{{'name': {name.title()!r}, 'depends': ['base']}}")
        (root / name / "__init__.py").write_text(init)
    return root


def erp_command(db_url: str, addons: Path, *args: str) -> list[str]:
    return [str(ERP), "--db", db_url, "--addons-path", str(addons), *args]


def clean_env() -> dict[str, str]:
    return {key: value for key, value in os.environ.items() if not key.startswith("ERP_")}


def run(db_url: str, addons: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(erp_command(db_url, addons, *args), capture_output=True, text=True, env=clean_env(),
                          timeout=120)


def states(db_url: str) -> dict[str, str]:
    engine = create_engine(db_url)
    try:
        with engine.connect() as connection:
            return dict(connection.execute(sa.text("SELECT name, state FROM ir_module")).all())
    finally:
        engine.dispose()


def start_slow_install(db_url: str, addons: Path, signals: Path, log: Path) -> subprocess.Popen:
    """``erp install slow`` in the background, returned once it holds the lock inside its post_install."""
    with log.open("w") as output:
        process = subprocess.Popen(erp_command(db_url, addons, "install", "slow", "--noinput"),
                                   stdout=output, stderr=subprocess.STDOUT, env=clean_env())
    deadline = time.monotonic() + 120
    while not (signals / "started").exists():
        assert process.poll() is None, log.read_text()
        assert time.monotonic() < deadline, "the slow install never started"
        time.sleep(0.05)
    return process


def test_a_second_command_is_refused_at_once_naming_the_first_and_changes_nothing(db_url, addons, tmp_path):
    signals = tmp_path / "signals"
    assert run(db_url, addons, "init").returncode == 0
    assert run(db_url, addons, "install", "quick", "--noinput").returncode == 0
    first = start_slow_install(db_url, addons, signals, tmp_path / "first.log")
    try:
        before = states(db_url)
        assert before["slow"] == "to install"
        for args in (("install", "other"), ("uninstall", "quick"), ("upgrade", "base")):
            started = time.monotonic()
            second = run(db_url, addons, *args, "--noinput")
            assert second.returncode == 1, second.stdout
            assert f"another install is running (pid {first.pid}, since " in second.stderr
            assert "nothing was changed" in second.stderr and "Traceback" not in second.stderr
            assert time.monotonic() - started < 30, "refused at once, not after waiting"
            assert states(db_url) == before, "the first command's pending state was left alone"
        (signals / "release").write_text("")
        assert first.wait(timeout=120) == 0, (tmp_path / "first.log").read_text()
    finally:
        (signals / "release").write_text("")
        try:
            first.wait(timeout=60)
        except subprocess.TimeoutExpired:
            first.kill()
            first.wait()
    assert "installed: slow" in (tmp_path / "first.log").read_text()
    after = run(db_url, addons, "install", "other", "--noinput")
    assert after.returncode == 0, after.stderr
    assert {name: state for name, state in states(db_url).items() if name != "base"} == {
        "slow": "installed", "quick": "installed", "other": "installed"}


def test_a_killed_command_leaves_no_lock_behind(db_url, addons, tmp_path):
    signals = tmp_path / "signals"
    assert run(db_url, addons, "init").returncode == 0
    first = start_slow_install(db_url, addons, signals, tmp_path / "first.log")
    os.kill(first.pid, signal.SIGKILL)
    first.wait(timeout=30)
    deadline = time.monotonic() + 30
    while True:  # PostgreSQL ends the killed client's sessions when it sees their sockets close
        after = run(db_url, addons, "install", "quick", "--noinput")
        if after.returncode == 0 or time.monotonic() > deadline or "another install" not in after.stderr:
            break
        time.sleep(0.5)
    assert after.returncode == 0, after.stderr
    assert "an earlier run was interrupted; states reset for: slow" in after.stderr
    assert states(db_url)["slow"] == "uninstalled" and states(db_url)["quick"] == "installed"


def test_two_kernels_in_one_process_exclude_each_other(db_url, addons):
    (addons.parent / "signals" / "release").write_text("")
    first, second = Kernel(db_url, addons_path=[addons]), Kernel(db_url, addons_path=[addons])
    try:
        first.init()
        with first.lifecycle_lock():
            with pytest.raises(LifecycleLockError, match=rf"another install is running \(pid {os.getpid()}, since "):
                second.install(["quick"])
            assert first.install(["quick"]) == ["quick"], "the holder itself goes on"
        assert second.install(["slow"]) != []
    finally:
        first.close()
        second.close()
