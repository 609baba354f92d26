{
    "name": "Base",
    "version": "1.0",
    "summary": "Kernel models and the partner master: contacts, categories, titles, partner types",
    "category": "Core",
    "depends": [],
    "license": "LGPL-3",
}
