{
    "name": "Base",
    "version": "1.0",
    "summary": "Kernel models and the partner master: contacts, categories, titles, partner types",
    "category": "Core",
    "depends": [],
    "data": [
        "data/res_currency_data.xml",
        "security/base_groups.xml",
        "security/ir.model.access.csv",
    ],
    "license": "LGPL-3",
}
