{
    "name": "Web Client",
    "version": "1.0",
    "summary": "The web client: login, menus, list, form, search and kanban views",
    "category": "Core",
    "depends": ["base"],
    "license": "LGPL-3",
}
