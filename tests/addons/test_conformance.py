"""The conformance suite (``kernel.testing.conformance``) on every product addon, on every backend.

One class per addon of ``addons/``, each inheriting every check of
:class:`~kernel.testing.AddonConformance`.  A check an addon is known to fail,
until the issue that fixes it lands, is a strict ``xfail`` naming that issue:
the day it passes, the run fails until the entry is removed.
"""

from __future__ import annotations

import pytest

from kernel.config import PROJECT_ROOT
from kernel.manifest import discover
from kernel.testing import AddonConformance

PRODUCT_ADDONS = sorted(discover([PROJECT_ROOT / "addons"]))
KNOWN_GAPS: dict[str, dict[str, str]] = {}


def conformance_class(addon: str) -> type:
    """A test class running every conformance check on ``addon``, its known gaps marked."""
    attrs: dict[str, object] = {"addon": addon, "__module__": __name__}
    for check, reason in KNOWN_GAPS.get(addon, {}).items():
        attrs[check] = pytest.mark.xfail(strict=True, reason=reason)(_inherited(check))
    return type(f"TestConformance_{addon}", (AddonConformance,), attrs)


def _inherited(check: str) -> object:
    def run(self: AddonConformance, addon_db: object) -> None:
        getattr(AddonConformance, check)(self, addon_db)

    run.__name__ = check
    return run


globals().update({f"TestConformance_{addon}": conformance_class(addon) for addon in PRODUCT_ADDONS})


def test_every_known_gap_names_a_product_addon_and_a_check() -> None:
    checks = {name for name in dir(AddonConformance) if name.startswith("test_")}
    assert set(KNOWN_GAPS) <= set(PRODUCT_ADDONS)
    assert all(set(gaps) <= checks for gaps in KNOWN_GAPS.values())
