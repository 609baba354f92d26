"""Odoo's external API, independent of the wire format: services ``common``, ``object`` and ``db``.

``call_kw`` follows Odoo's conventions: a method decorated with ``@api.model``
(and the ORM's model-level methods listed in :data:`MODEL_METHODS`) is called
on the model; any other public method on ``browse(args[0])`` with the rest of
the arguments, once the user is known to be able to read those records.  Names starting with ``_`` and the recordset plumbing in
:data:`NOT_REMOTE` are refused.
"""

from __future__ import annotations

import hashlib
import hmac
import inspect
import threading
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from .. import __version__
from ..exceptions import AccessError, UserError
from ..hints import model_hint
from ..orm.env import Environment
from ..security import guards
from ..security.client_values import check_client_values
from .errors import AccessDenied, BadRequest, NotFound
from .marshal import to_wire
from ..models.http import WEB_INTERNAL_MODELS

if TYPE_CHECKING:
    from .app import Application

# the Odoo API level the server answers as: clients pick their code paths from it
SERVER_VERSION = "17.0"
SERVER_VERSION_INFO = [17, 0, 0, "final", 0, ""]

MODEL_METHODS = frozenset({
    "create", "search", "search_read", "search_count", "fields_get", "name_search", "name_create",
    "read_group", "default_get",
})
CLIENT_VALUES = {"create": "vals_list", "write": "vals", "copy": "default"}  # the parameter holding the values
NOT_REMOTE = frozenset({
    "browse", "sudo", "with_user", "with_env", "with_context", "mapped", "filtered", "sorted", "ensure_one",
    "authenticate", "generate", "find_user", "new", "update",
})
VERIFIED_CAPACITY = 1024  # credentials remembered per worker, the oldest forgotten first


def version_info() -> dict[str, Any]:
    return {
        "server_version": SERVER_VERSION,
        "server_version_info": list(SERVER_VERSION_INFO),
        "server_serie": SERVER_VERSION,
        "protocol_version": 1,
        "kernel_version": __version__,
    }


def call_kw(env: Environment, model_name: Any, method: Any, args: Any, kwargs: Any) -> Any:
    """Call a public model method the way Odoo's ``execute_kw`` does; :func:`to_wire` makes the result sendable."""
    if not isinstance(model_name, str) or not isinstance(method, str):
        raise BadRequest("model and method must be strings")
    if method.startswith("_") or method in NOT_REMOTE:
        raise AccessError(f"Private methods (such as '{model_name}.{method}') cannot be called remotely.",
                          code="METHOD_PRIVATE")
    if args is None:
        args = []
    if kwargs is None:
        kwargs = {}
    if not isinstance(args, (list, tuple)) or not isinstance(kwargs, Mapping):
        raise BadRequest("args must be a list and kwargs a dictionary")
    if model_name in WEB_INTERNAL_MODELS:
        raise AccessError(f"{model_name} records cannot be accessed remotely.", code="MODEL_PRIVATE")
    if model_name not in env.registry:
        raise NotFound(f"Object {model_name} doesn't exist{model_hint(model_name, env.registry)}", code="MODEL_UNKNOWN")
    kwargs = dict(kwargs)
    context = kwargs.pop("context", None)
    model = env[model_name]
    if context is not None and not isinstance(context, Mapping):
        raise BadRequest("context must be a dictionary", code="CONTEXT_INVALID")
    if context:
        if "lang" in context:
            env.services.translations.check_lang(context["lang"])
        model = model.with_context({**env.context, **context})
    function = getattr(type(model), method, None)
    if not callable(function) or isinstance(function, type):
        raise NotFound(f"The method '{method}' does not exist on the model '{model_name}'", code="METHOD_UNKNOWN")
    if getattr(function, "_api_model", False) or method in MODEL_METHODS:
        bound = getattr(model, method)
        check_arguments(f"{model_name}.{method}", bound, args, kwargs)
        check_client_arguments(model, method, args, kwargs)
        result = bound(*args, **kwargs)
        if method == "create" and args and isinstance(args[0], Mapping):
            return result.id  # Odoo answers one id for one dict, a list for a list
    else:
        if not args:
            raise BadRequest(f"{model_name}.{method} works on records: pass their ids as the first argument")
        ids, *rest = args
        records = model.browse(ids)
        bound = getattr(records, method)
        check_arguments(f"{model_name}.{method}", bound, rest, kwargs)
        guards.check_callable(records)
        check_client_arguments(records, method, rest, kwargs)
        result = bound(*rest, **kwargs)
        if method == "copy":
            return result.id
    return result


def check_client_arguments(model: Any, method: str, args: Sequence[Any], kwargs: Mapping[str, Any]) -> None:
    """The values a client gives ``create``, ``write`` or ``copy`` may not set read-only fields
    (:mod:`kernel.security.client_values`); a copy's values are checked like a create's."""
    parameter = CLIENT_VALUES.get(method)
    if parameter is None:
        return
    value = args[0] if args else kwargs.get(parameter)
    vals_list = [value] if isinstance(value, Mapping) else value if isinstance(value, (list, tuple)) else []
    check_client_values(model, vals_list, model if method == "write" else None)


def check_arguments(name: str, function: Callable[..., Any], args: Sequence[Any], kwargs: Mapping[str, Any]) -> None:
    """Refuse arguments the method's signature does not accept before calling it.

    A ``TypeError`` raised inside the method is a bug (HTTP 500); a call that
    does not match the signature is the client's mistake, said here.
    """
    try:
        inspect.signature(function).bind(*args, **kwargs)
    except TypeError as exc:
        raise BadRequest(f"{name}: wrong arguments: {exc}", code="ARGUMENTS_INVALID") from None


class Services:
    """The ``common``, ``db`` and ``object`` services of one application."""

    def __init__(self, app: Application):
        self.app = app
        self._verified: dict[tuple[str, int, str], tuple[str, Any]] = {}  # oldest first
        self._lock = threading.Lock()
        self.handlers: dict[str, dict[str, Callable[..., Any]]] = {
            "common": {"version": self.version, "login": self.login, "authenticate": self.authenticate_common,
                       "about": self.about},
            "db": {"list": self.db_list, "server_version": self.server_version},
            "object": {"execute": self.execute, "execute_kw": self.execute_kw},
        }

    def dispatch(self, service: Any, method: Any, params: Sequence[Any], address: str | None) -> Any:
        """Run ``service.method(*params)``; unknown names are a :class:`NotFound`."""
        handler = self.handlers.get(service, {}).get(method) if isinstance(service, str) and isinstance(method, str) else None
        if handler is None:
            raise NotFound(f"unknown RPC method {service!r}.{method!r}", code="RPC_METHOD_UNKNOWN")
        if not isinstance(params, (list, tuple)):
            raise BadRequest("RPC arguments must be a list")
        check_arguments(f"{service}.{method}", handler, [address, *params], {})
        return handler(address, *params)

    # -- common ------------------------------------------------------------------------

    def version(self, address: str | None) -> dict[str, Any]:
        return version_info()

    def about(self, address: str | None, extended: bool = False) -> Any:
        text = "ERP kernel: an Odoo-compatible modular ERP"
        return [text, SERVER_VERSION] if extended else text

    def login(self, address: str | None, db: str, login: str, password: str) -> int | bool:
        """The user id, or ``False`` when the credentials are wrong (Odoo's ``common.login``)."""
        try:
            return self.app.authenticate(db, login, password, address)
        except AccessDenied as exc:
            if exc.code == "LOGIN_THROTTLED":
                raise
            return False

    def authenticate_common(self, address: str | None, db: str, login: str, password: str,
                            user_agent_env: Any = None) -> int | bool:
        return self.login(address, db, login, password)

    # -- db ------------------------------------------------------------------------------

    def db_list(self, address: str | None, *_: Any) -> list[str]:
        if not self.app.web.list_db:
            raise AccessDenied("Database listing is disabled", code="DB_LIST_DISABLED", status=403)
        return self.app.databases.aliases()

    def server_version(self, address: str | None) -> str:
        return SERVER_VERSION

    # -- object ----------------------------------------------------------------------------

    def execute(self, address: str | None, db: str, uid: int, password: str, model: str, method: str, *args: Any) -> Any:
        return self.execute_kw(address, db, uid, password, model, method, list(args), {})

    def execute_kw(self, address: str | None, db: str, uid: int, password: str, model: str, method: str,
                   args: Any = None, kwargs: Any = None) -> Any:
        self.check_credentials(db, uid, password, address)
        with self.app.databases.env(db, uid) as env:
            return to_wire(call_kw(env(uid=uid, su=False), model, method, args, kwargs))

    def check_credentials(self, db: str, uid: Any, password: Any, address: str | None) -> None:
        """Accept the user's password or one of their API keys, through the login throttle.

        A verified pair is remembered per worker (so that a script calling
        ``execute_kw`` in a loop does not pay an Argon2 hash per call), but each
        call still reads what it rests on: the user must be active and keep
        the same password hash, the key must be unrevoked.  A password change,
        an archived user or a revoked key takes effect at the next call.
        """
        if (not isinstance(db, str) or not isinstance(uid, int) or isinstance(uid, bool) or not isinstance(password, str)
                or not password):
            raise AccessDenied()
        remembered_as = (db, uid, hashlib.sha256(password.encode()).hexdigest())
        with self._lock:
            proof = self._verified.get(remembered_as)
        with self.app.databases.env(db) as env:
            if proof is not None and still_valid(env, uid, proof):
                return
            login = env["res.users"].with_context(active_test=False).browse(uid).exists().login or f"#{uid}"
        with self._lock:
            self._verified.pop(remembered_as, None)
        keys = self.app.throttle.keys(login, address)
        proof = self.app.throttled_check(db, keys, lambda env: verified_proof(env, uid, password))
        with self._lock:
            self._verified[remembered_as] = proof
            while len(self._verified) > VERIFIED_CAPACITY:
                self._verified.pop(next(iter(self._verified)))


def _password_stamp(stored: str | None) -> str:
    return hashlib.sha256((stored or "").encode()).hexdigest()


def verified_proof(env: Environment, uid: int, password: str) -> tuple[str, Any] | None:
    """What ``password`` proved for user ``uid``: their password hash's stamp or the API key's id; ``None``: nothing."""
    user = env["res.users"].with_context(active_test=False).browse(uid).exists()
    if not user or not user.active:
        return None
    try:
        if env["res.users"].authenticate(user.login, password) == uid:
            return ("password", _password_stamp(user.sudo().password))
    except UserError:
        key = env["res.users.apikey"]._find_key(password)
        if key and key.user_id.id == uid:
            return ("apikey", key.id)
    return None


def still_valid(env: Environment, uid: int, proof: tuple[str, Any]) -> bool:
    """Whether a proof remembered earlier still holds: one indexed read, no password hashing."""
    users = env["res.users"]._sql
    row = env.execute(sa.select(users.c.active, users.c.password).where(users.c.id == uid)).first()
    if row is None or not row.active:
        return False
    kind, value = proof
    if kind == "password":
        return hmac.compare_digest(_password_stamp(row.password), value)
    keys = env["res.users.apikey"]._sql
    key = env.execute(sa.select(keys.c.id).where(keys.c.id == value, keys.c.user_id == uid,
                                                 keys.c.revoked.is_not(True))).first()
    return key is not None
