{
    "name": "Onboarding",
    "version": "1.0",
    "summary": "Onboarding tours and checklists loaded from data",
    "category": "Productivity",
    "depends": ["base", "web"],
    "license": "LGPL-3",
}
