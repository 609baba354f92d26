"""Discuss: chatter, followers, activities, email templates, outgoing mail queue, notifications.

Hook implementations only; the content arrives with the issues that build it.
"""
