"""Background jobs, the running side: ``erp worker`` and ``erp beat`` (see ``docs/jobs.md``).

- :mod:`.runner`: one job, claimed, run in one transaction, recorded;
- :mod:`.housekeeping`: heartbeats, and jobs of dead workers queued again;
- :mod:`.worker`: the Celery worker and its one task;
- :mod:`.beat`: the ``ir.cron`` schedules, one beat per database;
- :mod:`.commands`: the two ``erp`` commands.

The sending side (job declarations, the Celery application, ``env.enqueue``)
is below the kernel, in :mod:`kernel.broker` and :mod:`kernel.models.jobs`.
"""
