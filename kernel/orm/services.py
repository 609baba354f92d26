"""What code running in an environment may ask of the kernel, without importing it.

``env.services`` is the :class:`~kernel.kernel.Kernel` that opened the
environment, seen through this interface only: translations, the addons'
hooks, the addons' files and the settings.  The ORM thereby stays below the kernel in the
layers (docs/architecture.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from lxml import etree

    from ..broker import Job
    from ..config import Settings
    from ..manifest import Manifest
    from .registry import Registry


class TranslationService(Protocol):
    def gettext(self, lang: str | None, msgid: str) -> str: ...
    def translate_arch(self, arch: etree._Element, lang: str | None) -> etree._Element: ...
    def check_lang(self, lang: object) -> None: ...
    def languages(self) -> Iterable[str]: ...


class HookService(Protocol):
    @property
    def hook(self) -> Any:
        """pluggy's hook relay: ``hook.kernel_event(env=..., name=..., payload=...)``."""

    def jobs(self) -> Mapping[str, Job]:
        """The background jobs the installed addons declare, by name (``kernel_jobs``)."""


class Services(Protocol):
    @property
    def translations(self) -> TranslationService: ...

    @property
    def plugins(self) -> HookService: ...

    @property
    def settings(self) -> Settings:
        """The configuration (``settings.section("orm")`` and the like)."""

    def build_registry(self, connection: Any = None) -> Registry:
        """The registry composed again (addons' layers and the database's custom fields, read on ``connection``)."""

    def add_custom_field(self, env: Any, model: str, name: str, ttype: str, label: str | None = None,
                         selection: str | None = None, relation: str | None = None) -> Any:
        """Add a custom field (``x_...``) in ``env``'s transaction: its row, column and view extensions."""

    def remove_custom_field(self, env: Any, model: str, name: str) -> None:
        """Remove a custom field with its column and its place in the views."""

    @property
    def manifests(self) -> Mapping[str, Manifest]:
        """The addons found on the addons path, by name: their folders and data files."""
