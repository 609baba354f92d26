"""Benchmark of the mail addon: rendering and queueing 1,000 templated mails.

On a throwaway SQLite file (and PostgreSQL with ``--pg-url``) holding ``mail``
and 1,000 partners, times:

    baseline   queueing 1,000 mail.mail records whose subject and body are already written
    templated  mail.template.send_mail on the 1,000 partners: the sandboxed Jinja2 rendering of
               subject, recipient, language and body per partner, then the same queueing

Each figure is the median of ``--repeats`` runs after one warm-up run, each run
in its own transaction, rolled back afterwards; ``templated`` is also given as
a ratio to ``baseline`` (what rendering adds). The process's peak memory is
printed at the end.

    .venv/bin/python scripts/bench_mail.py [--pg-url URL] [--repeats N]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kernel import Kernel
from kernel.db import create_database, drop_database, parse_url
from kernel.testing import rollback_env

COUNT = 1000
SUBJECT = "Your partnership with {{ object.name }}"
BODY = ("<p>Dear {{ object.name }},</p><p>We have {{ object.email }} on file"
        "{% if object.city %} and your office in {{ object.city }}{% endif %}.</p>"
        "<p>Regards,<br>{{ user.name }}</p>")


def prepare(kernel: Kernel) -> tuple[list[int], int]:
    """The partners and the template, committed once."""
    with kernel.env() as env:
        partners = env["basepartner"].create([{"name": f"Partner {i}", "email": f"partner{i}@example.com",
                                               "city": "Bandung" if i % 2 else False} for i in range(COUNT)])
        template = env["mail.template"].create({"name": "Bench", "model": "basepartner", "subject": SUBJECT,
                                                "email_to": "{{ object.email }}", "body_html": BODY})
        return partners.ids, template.id


def cases(ids: list[int], template_id: int) -> dict[str, Callable[[Any], Any]]:
    def baseline(env: Any) -> Any:
        return env["mail.mail"].create([{"email_from": "erp@example.com", "email_to": f"partner{i}@example.com",
                                         "subject": f"Your partnership with Partner {i}",
                                         "body_html": f"<p>Dear Partner {i},</p>"} for i in range(COUNT)])

    def templated(env: Any) -> Any:
        return env["mail.template"].browse(template_id).send_mail(ids)

    return {"baseline": baseline, "templated": templated}


def bench(kernel: Kernel, repeats: int) -> dict[str, float]:
    ids, template_id = prepare(kernel)
    results: dict[str, float] = {}
    for name, case in cases(ids, template_id).items():
        timings = []
        for run in range(repeats + 1):
            with rollback_env(kernel) as env:
                started = time.perf_counter()
                case(env)
                elapsed = time.perf_counter() - started
                if env["mail.mail"].search_count([]) != COUNT:
                    raise RuntimeError(f"{name}: {COUNT} mails were expected in the queue")
            if run:
                timings.append(elapsed)
        results[name] = statistics.median(timings)
    return results


def run_on(url: str, label: str, repeats: int) -> None:
    kernel = Kernel(url)
    try:
        kernel.init()
        kernel.install(["mail"])
        results = bench(kernel, repeats)
        for name, seconds in results.items():
            ratio = seconds / results["baseline"]
            print(f"{label:10} {name:9} {COUNT} mails: {seconds * 1000:7.1f} ms  ({ratio:.2f}x baseline)")
    finally:
        kernel.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg-url", help="a PostgreSQL server URL; a throwaway database is created on it")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        run_on(f"sqlite:///{Path(folder) / 'bench.sqlite3'}", "sqlite", args.repeats)
    if args.pg_url:
        url = parse_url(args.pg_url).set(database=f"erp_bench_{uuid.uuid4().hex[:12]}").render_as_string(
            hide_password=False)
        create_database(url)
        try:
            run_on(url, "postgresql", args.repeats)
        finally:
            drop_database(url)
    print(f"peak memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
