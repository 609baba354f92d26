"""The models every database has, whatever addons are installed.

They are the first layer of every registry, attributed to ``base``; the
``base`` addon and others extend them like any model.
"""

from ..orm.sequence import IrSequence
from .access import IrModelAccess, IrRule
from .attachment import IrAttachment
from .audit import AuditLog
from .events import EVENT_MODELS
from .http import HTTP_MODELS
from .ir_model import IrConfigParameter, IrModel, IrModelData, IrModelFields, IrModule
from .ir_ui import IrActionsWindow, IrUiMenu, IrUiView
from .jobs import IrCron, IrJob
from .res import ResBranch, ResCompany, ResGroups, ResUsers
from .reports import IrActionsReport
from .res_currency import ResCurrency
from .server_actions import IrActionsServer
from .tokens import AuthTokenSpent
from .settings import ResConfigSettings

CORE_MODELS: list[type] = [
    IrModule, IrModel, IrModelFields, IrModelData, IrConfigParameter, IrSequence, ResCurrency, ResCompany, ResBranch,
    ResGroups, ResUsers, IrModelAccess, IrRule, IrUiView, IrActionsWindow, IrUiMenu, AuditLog, *HTTP_MODELS,
    IrCron, IrJob,
    IrAttachment, ResConfigSettings, IrActionsReport, IrActionsServer, AuthTokenSpent,
    *EVENT_MODELS,
]

__all__ = ["CORE_MODELS"]
