{
    "name": "Partnerships",
    "version": "1.0",
    "summary": "Partnership requests, statuses, email templates, mass actions and scheduled jobs",
    "category": "Sales",
    "depends": ["base", "mail"],
    "application": True,
    "license": "LGPL-3",
}
