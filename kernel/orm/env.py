"""The environment: one database transaction, one user, one context."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from sqlalchemy.engine import Connection

if TYPE_CHECKING:
    from ..kernel import Kernel

SUPERUSER_ID = 1


class Environment:
    """What every piece of addon code runs in: the kernel, a connection inside a transaction,
    the acting user and a read-only context."""

    def __init__(
        self,
        kernel: Kernel,
        connection: Connection,
        uid: int = SUPERUSER_ID,
        context: Mapping[str, Any] | None = None,
    ):
        self.kernel = kernel
        self.connection = connection
        self.uid = uid
        self.context: Mapping[str, Any] = MappingProxyType(dict(context or {}))

    @property
    def su(self) -> bool:
        """Whether access checks are bypassed (the superuser, or ``sudo()``)."""
        return self.uid == SUPERUSER_ID

    def publish(self, name: str, payload: dict[str, Any]) -> None:
        """Publish a business event to every installed addon implementing ``kernel_event``."""
        self.kernel.plugins.hook.kernel_event(env=self, name=name, payload=payload)
