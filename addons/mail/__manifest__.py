{
    "name": "Discuss",
    "version": "1.0",
    "summary": "Chatter, followers, activities, email templates, outgoing mail queue, notifications",
    "category": "Productivity",
    "depends": ["base", "web"],
    "data": [
        "security/ir.model.access.csv",
        "security/mail_rules.xml",
        "data/mail_data.xml",
        "views/mail_mail_views.xml",
        "views/mail_template_views.xml",
        "views/mail_activity_views.xml",
        "views/mail_menus.xml",
    ],
    "assets": {"web.assets_backend": ["static/mail.css", "static/mail.js"]},
    "license": "LGPL-3",
}
