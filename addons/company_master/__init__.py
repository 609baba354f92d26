"""Company Master: the 8-tab company record: locations, contacts, suppliers, agents, audit trail, duplicates.

Hook implementations only; the content arrives with the issues that build it.
"""
