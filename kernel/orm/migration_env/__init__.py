"""Alembic's script location for addon migrations: only ``env.py``, run by Alembic, never imported.

The revisions themselves live in each addon's ``migrations/`` folder (see
:mod:`kernel.orm.migrations`).
"""
