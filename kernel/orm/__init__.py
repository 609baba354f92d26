"""The object-relational layer: environments, models, fields, domains and schema."""

from . import api, fields
from .commands import Command
from .models import AbstractModel, BaseModel, Model

__all__ = ["AbstractModel", "BaseModel", "Command", "Model", "api", "fields"]
