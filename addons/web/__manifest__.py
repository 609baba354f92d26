{
    "name": "Web Client",
    "version": "1.0",
    "summary": "The web client: login, menus, list, form, search and kanban views",
    "category": "Core",
    "depends": ["base"],
    "data": ["views/jobs_views.xml"],
    "assets": {"web.assets_backend": ["static/jobs.js"]},
    "license": "LGPL-3",
}
