"""Base: the partner master (contacts, partner types, titles, categories), countries and states.

Hook implementations only: the kernel composes what ``kernel_models`` returns
with the kernel's own models (users, companies, views, ...), attributed to
``base`` as well.
"""

from __future__ import annotations

from typing import Any

from kernel.orm.collation import ensure_sort_index
from kernel.orm.search_index import ensure_trigram_index

from .jobs import collect_attachment_garbage, deliver_events, purge_sessions, run_server_action, vacuum_wizards
from .models.address import PartnerAddress, PartnerAddressAdoption, PartnerAddressType
from .models.category_wizard import PartnerCategoryWizard
from .models.country import Country, CountryState, load_countries
from .models.hierarchy import PartnerHierarchy
from .models.identity import PartnerIdentity
from .models.partner import Company, Partner, PartnerCategory, PartnerTitle, PartnerType
from .models.party_accounts import CurrencyCodeMixin, PartyAccountMixin, PartyCurrency
from .models.portal import PortalHome
from .models.quick_entry import PartnerQuickEntry
from .models.settings import BaseSettings
from .models.users import PartnerUsers, UserPartner


def kernel_models() -> list[type]:
    return [Country, CountryState, Company, PartnerType, PartnerTitle, PartnerCategory, Partner, PartnerIdentity,
            PartnerHierarchy, PartnerAddressType, PartnerAddress, PartnerAddressAdoption, PartnerQuickEntry,
            PartnerCategoryWizard, CurrencyCodeMixin, PartyAccountMixin, PartyCurrency, UserPartner, PartnerUsers,
            PortalHome,
            BaseSettings]


def kernel_jobs() -> list[Any]:
    return [purge_sessions, deliver_events, collect_attachment_garbage, vacuum_wizards, run_server_action]


def kernel_post_install(env: Any) -> None:
    """Fill countries and their states from pycountry (batched: a fresh database gets them in one go);
    on PostgreSQL, a trigram index makes the partner name searches (autocompletion, search box) cheap, and an
    index in the sorting collation serves lists ordered by name."""
    load_countries(env)
    ensure_trigram_index(env, "basepartner", "name")
    ensure_sort_index(env, "basepartner", "name")
