{
    "name": "Discuss",
    "version": "1.0",
    "summary": "Chatter, followers, activities, email templates, outgoing mail queue, notifications",
    "category": "Productivity",
    "depends": ["base"],
    "license": "LGPL-3",
}
