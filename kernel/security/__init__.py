"""Security: groups, model access, record rules, company/branch auto-rules, field groups, audit trail.

- ``access``: a user's groups (implied ones included), model access
  (``ir.model.access``), field ``groups``;
- ``rules``: record rules (``ir.rule``) and the domains they add;
  ``rule_context`` evaluates their expressions;
- ``companies``: current and allowed companies and branches, the auto-rule
  domains, links between records of different companies;
- ``active_rule``: the ``company_id`` / ``branch_id`` layer of auto-ruled models;
- ``audit``: the audit trail of models with ``_audit = True``; ``audit_cli``:
  ``erp audit export``;
- ``guards``: what the ORM calls at each entry point;
- ``setup``: the admin's first password, warnings for unreachable models.

The superuser and ``sudo()`` environments bypass every check.  See
``docs/security.md``.
"""

from .access import check_access, check_fields, has_access, in_groups, user_groups
from .rules import check_records, rule_domain

__all__ = ["check_access", "check_fields", "check_records", "has_access", "in_groups", "rule_domain", "user_groups"]
