"""Base: kernel models and the partner master: contacts, categories, titles, partner types.

Hook implementations only; the content arrives with the issues that build it.
"""
