"""The models every database has, whatever addons are installed.

They are the first layer of every registry, attributed to ``base``; the
``base`` addon and others extend them like any model.
"""

from .ir_model import IrConfigParameter, IrModel, IrModelData, IrModelFields, IrModule
from .res import ResCompany, ResUsers
from ..orm.sequence import IrSequence

CORE_MODELS: list[type] = [
    IrModule, IrModel, IrModelFields, IrModelData, IrConfigParameter, IrSequence, ResCompany, ResUsers,
]

__all__ = ["CORE_MODELS"]
