{
    "name": "Sales",
    "version": "1.0",
    "summary": "Customer side of partners: customer codes, groups, territories, credit limits, sales orders",
    "category": "Sales",
    "depends": ["base"],
    "data": [
        "security/sale_groups.xml",
        "security/ir.model.access.csv",
        "data/sale_data.xml",
        "views/partner_views.xml",
        "views/sale_views.xml",
        "views/settings_views.xml",
    ],
    "application": True,
    "license": "LGPL-3",
}
