{
    "name": "Company Master",
    "version": "1.0",
    "summary": "The 8-tab company record: locations, contacts, suppliers, agents, audit trail, duplicates",
    "category": "Sales",
    "depends": ["base", "mail", "web"],
    "application": True,
    "license": "LGPL-3",
}
