"""The web server: a werkzeug WSGI application serving the kernel's and the addons' routes.

Modules: :mod:`.app` (the WSGI application: routing, one transaction per
request, errors, logging, static files), :mod:`.routing` (the ``Route`` addons
return from ``kernel_routes``), :mod:`.request`, :mod:`.sessions` (database
sessions, CSRF, login throttling), :mod:`.rpc` (Odoo's external API services),
:mod:`.jsonrpc` and :mod:`.xmlrpc` (their wire formats), :mod:`.rest` and
:mod:`.openapi` (the REST API), :mod:`.server` (``erp serve`` through
gunicorn).  What it keeps in the database (sessions, API keys, login attempts)
are core models: :mod:`kernel.models.http`.
"""
