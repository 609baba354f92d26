"""Partners: widget showcase and company/branch auto-rule examples (not for production).

Hook implementations only; the content arrives with the issues that build it.
"""
