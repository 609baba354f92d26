"""Alembic's environment for addon migrations, run by Alembic's commands.

The kernel runs migrations inside the addon's own transaction: it hands its
connection over through ``config.attributes`` rather than a URL, so Alembic
never opens, commits or closes anything.
"""

from alembic import context

context.configure(connection=context.config.attributes["connection"])
with context.begin_transaction():
    context.run_migrations()
