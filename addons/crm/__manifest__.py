{
    "name": "CRM",
    "version": "1.0",
    "summary": "Leads, pipeline stages, deals, campaigns and lead conversion",
    "category": "Sales",
    "depends": ["base", "mail"],
    "application": True,
    "license": "LGPL-3",
}
