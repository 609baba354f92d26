"""Partnerships: partnership requests, statuses, email templates, mass actions and scheduled jobs.

Hook implementations only; the content arrives with the issues that build it.
"""
