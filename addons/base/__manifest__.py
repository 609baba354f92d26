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
        "security/base.model.access.csv",
        "data/partner_type_data.xml",
        "views/partner_views.xml",
        "views/partner_config_views.xml",
        "views/base_menus.xml",
    ],
    "demo": ["demo/partner_demo.xml"],
    "license": "LGPL-3",
}
