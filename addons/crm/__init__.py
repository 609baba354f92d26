"""CRM: leads, pipeline stages, deals, campaigns and lead conversion.

Hook implementations only; the content arrives with the issues that build it.
"""
