"""Onboarding: onboarding tours and checklists loaded from data.

Hook implementations only; the content arrives with the issues that build it.
"""
