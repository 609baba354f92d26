{
    "name": "Partners",
    "version": "1.0",
    "summary": "Widget showcase and company/branch auto-rule examples (not for production)",
    "category": "Hidden",
    "active_rule": True,
    "depends": ["base", "onboarding", "webx"],
    "license": "LGPL-3",
}
