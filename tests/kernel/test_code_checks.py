"""The layers (import-linter) and the types (mypy, against a baseline that only shrinks), checked in every run.

``python tests/kernel/test_code_checks.py --update-baseline`` records the
current mypy errors per file after a change that fixed some of them.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BASELINE = ROOT / "config" / "mypy-baseline.json"
ERROR = re.compile(r"^(?P<file>[^:\s]+\.py):\d+: error: ")


def test_the_layers_hold() -> None:
    """setup.cfg's import-linter contracts: no module imports from a layer above its own."""
    lint_imports = Path(sys.executable).with_name("lint-imports")  # import-linter's command, beside pytest's Python
    result = subprocess.run([str(lint_imports), "--no-cache"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def mypy_errors() -> tuple[Counter[str], list[str]]:
    result = subprocess.run([sys.executable, "-m", "mypy", "--no-incremental"], cwd=ROOT,
                            capture_output=True, text=True)
    lines = [line for line in result.stdout.splitlines() if ERROR.match(line)]
    if result.returncode not in (0, 1) or (result.returncode == 1 and not lines):
        raise RuntimeError(f"mypy did not run:\n{result.stdout}{result.stderr}")
    return Counter(ERROR.match(line)["file"] for line in lines), lines


def test_type_errors_only_shrink() -> None:
    counts, lines = mypy_errors()
    baseline: dict[str, int] = json.loads(BASELINE.read_text())
    grown = {path: n for path, n in counts.items() if n > baseline.get(path, 0)}
    details = "\n".join(line for line in lines if line.split(":")[0] in grown)
    assert not grown, f"new mypy errors (file: now > baseline) {grown}:\n{details}"
    assert sum(counts.values()) <= sum(baseline.values())


if __name__ == "__main__" and sys.argv[1:] == ["--update-baseline"]:
    found, _ = mypy_errors()
    BASELINE.write_text(json.dumps(dict(sorted(found.items())), indent=1) + "\n")
    print(f"{sum(found.values())} errors in {len(found)} files recorded in {BASELINE.relative_to(ROOT)}")
