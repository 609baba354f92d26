"""Web Client: the web client: login, menus, list, form, search and kanban views.

Hook implementations only; the content arrives with the issues that build it.
"""
