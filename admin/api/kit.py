"""How every REST route is declared, parsed and answered.

A route is an `Operation`: its path, the schemas of its query, body and answer, and a handler
that receives already-checked input. The same declarations register the aiohttp routes and
write the OpenAPI document, so the document cannot drift from what the server does."""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from aiohttp.typedefs import Handler
from pydantic import BaseModel, ValidationError

from admin.deps import DEPS, AdminDeps, request_uow
from admin.errors import field_of, no_such, reason_of, say, status_of, validation_reason
from admin.locale import use_locale
from admin.schemas.common import is_list_field, parse_id
from admin.scope import Scope, scope_for
from core.errors import AppError
from core.inputs import MAX_JSON_DEPTH, NUL, NUL_REASON, json_problem
from domain.messaging.texts import Catalog
from domain.organisation.api_tokens import authenticate
from storage.uow import UnitOfWork

SCOPE = web.RequestKey("api_scope", Scope)
_PARAM = re.compile(r"\{(\w+)\}")
# The router's own refusals, said in the request's language (any other: its HTTP reason).
_HTTP_REASONS = {
    400: "reason.api.bad_request",
    405: "reason.api.method_not_allowed",
    413: "reason.api.too_large",
    415: "reason.api.unsupported_media_type",
}


class ApiError(Exception):
    """The API's own refusal of a request (its input, its token, its route): a status and a
    reason a client can act on. The domain's refusals are AppErrors, answered by `json_errors`."""

    def __init__(self, status: int, reason: str, field: str | None = None) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason
        self.field = field
        self.errors: list[dict[str, str]] = [{"field": field, "reason": reason}] if field else []


def _invalid(exc: ValidationError, catalog: Catalog, prefix: str = "") -> ApiError:
    errors = [
        {
            "field": prefix + ".".join(str(part) for part in e["loc"]) or "body",
            "reason": validation_reason(e, catalog),
        }
        for e in exc.errors()
    ]
    problem = ApiError(422, errors[0]["reason"], errors[0]["field"])
    problem.errors = errors
    return problem


@dataclass
class Call:
    """What a handler gets: who asks, the checked input, the app's dependencies and the
    request's Unit of Work (committed by the middleware when the answer is a success)."""

    request: web.Request
    scope: Scope
    deps: AdminDeps
    uow: UnitOfWork
    ids: dict[str, int]
    query: Any = None
    body: Any = None

    def who(self) -> dict[str, Any]:
        """Who acts and what they may reach, as the domain's use cases take it."""
        scope = self.scope
        return {"actor": scope.actor, "admin_user_id": scope.user_id, "city_ids": scope.city_ids}


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    summary: str
    tag: str
    handler: Callable[[Call], Awaitable[Any]]
    query: type[BaseModel] | None = None
    body: type[BaseModel] | None = None
    answer: type[BaseModel] | None = None  # None: 204 No Content
    status: int = 200
    errors: tuple[int, ...] = (401, 404)
    admin_only: bool = False
    extra: Mapping[str, Any] = field(default_factory=dict)
    # The schema of a path parameter that is neither an id nor a lower-case key.
    path_schemas: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    # The answer is a file of this media type (the handler returns its bytes), not JSON.
    media_type: str | None = None

    @property
    def operation_id(self) -> str:
        return self.handler.__name__


def _ids(request: web.Request) -> dict[str, int]:
    ids = {}
    catalog = request.config_dict[DEPS].catalog
    for name, raw in request.match_info.items():
        thing = "template" if name == "key" else name.removesuffix("_id")
        if NUL in raw:  # a key such as a template's: no such thing has one
            raise ApiError(404, no_such(thing, catalog))
        if not name.endswith("_id"):
            continue
        value = parse_id(raw)
        if value is None:
            raise ApiError(404, no_such(thing, catalog))
        ids[name] = value
    return ids


def _has_whole_floats(value: Any) -> bool:
    """Turns, in place, every whole float (5.0) into an int; whether there was any."""
    found = False
    items: Any = value.items() if isinstance(value, dict) else enumerate(value)
    for key, item in list(items):
        if isinstance(item, float) and item.is_integer():
            value[key] = int(item)
            found = True
        elif isinstance(item, dict | list):
            found = _has_whole_floats(item) or found
    return found


async def _body(request: web.Request, model: type[BaseModel]) -> BaseModel:
    """JSON checked strictly: `true` is not a number and "5" is not an integer."""
    catalog = request.config_dict[DEPS].catalog
    text = await request.read() if request.body_exists else b"{}"
    try:
        raw = json.loads(text)
    except ValueError:
        raise ApiError(422, "reason.api.not_json", "body") from None
    except RecursionError:  # nested past the parser's stack: refused, never a 500
        reason = say("reason.api.too_deep", catalog, depth=MAX_JSON_DEPTH)
        raise ApiError(422, reason, "body") from None
    if not isinstance(raw, dict):
        raise ApiError(422, "reason.api.not_object", "body")
    problem = json_problem(raw)  # too deep, or text with a NUL character (not storable)
    if problem is not None:
        raise ApiError(422, problem[1], problem[0])
    if _has_whole_floats(raw):  # JSON Schema calls 5.0 an integer: read it as one
        text = json.dumps(raw, default=str).encode()
    try:
        return model.model_validate_json(text, strict=True)
    except ValidationError as exc:
        raise _invalid(exc, catalog) from None


def _query(request: web.Request, model: type[BaseModel]) -> BaseModel:
    unknown = sorted(set(request.query) - set(model.model_fields))
    if unknown:
        raise ApiError(422, "reason.api.unknown_parameter", unknown[0])
    nul = next((name for name, value in request.query.items() if NUL in value), None)
    if nul is not None:
        raise ApiError(422, NUL_REASON, nul)
    values: dict[str, Any] = {}
    for name, spec in model.model_fields.items():
        found = request.query.getall(name, [])
        if found:
            values[name] = list(found) if is_list_field(spec.annotation) else found[-1]
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        raise _invalid(exc, request.config_dict[DEPS].catalog) from None


def _json(status: int, payload: Any) -> web.Response:
    return web.json_response(payload, status=status, dumps=lambda v: json.dumps(v, default=str))


def error_response(problem: ApiError, catalog: Catalog | None = None) -> web.Response:
    """The refusal as JSON; a reason given as a catalog key in the request's language."""
    payload: dict[str, Any] = {"error": say(problem.reason, catalog)}
    if problem.field:
        payload["field"] = problem.field
    if problem.errors:
        payload["errors"] = [{**e, "reason": say(e["reason"], catalog)} for e in problem.errors]
    return _json(problem.status, payload)


def handler_for(op: Operation) -> Handler:
    async def handle(request: web.Request) -> web.StreamResponse:
        try:
            scope = request[SCOPE]
            if op.admin_only and not scope.is_admin:
                raise ApiError(403, "reason.api.admins_only")
            deps = request.config_dict[DEPS]
            call = Call(request, scope, deps, request_uow(request), _ids(request))
            if op.query is not None:
                call.query = _query(request, op.query)
            if op.body is not None:
                call.body = await _body(request, op.body)
            result = await op.handler(call)
        except ApiError as problem:
            return error_response(problem, request.config_dict[DEPS].catalog)
        if op.media_type is not None:
            return web.Response(body=result, status=op.status, content_type=op.media_type)
        if op.answer is None:
            return web.Response(status=204)
        # Checked against the answer's schema, then written as JSON by pydantic's own
        # serialiser in one pass (no dict of it for the json module to walk again).
        body = op.answer.model_validate(result).model_dump_json()
        return web.Response(text=body, status=op.status, content_type="application/json")

    return handle


def refusal(error: AppError, request: web.Request) -> web.Response:
    """A domain error as the API answers it: its status by class (admin.errors), the reason
    and, for a field's rule, the field; the one place the API translates domain errors."""
    reason = reason_of(error, request.config_dict[DEPS].catalog)
    return error_response(ApiError(status_of(error), reason, field_of(error)))


@web.middleware
async def json_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Domain errors, and the router's own refusals (no such route, a method not allowed), in
    JSON. An answer of 4xx leaves the request's Unit of Work rolled back."""
    try:
        return await handler(request)
    except AppError as error:
        return refusal(error, request)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        reason = "reason.no_such.route" if exc.status == 404 else _HTTP_REASONS.get(exc.status)
        answer = error_response(
            ApiError(exc.status, reason or exc.reason.lower()), request.config_dict[DEPS].catalog
        )
        if "Allow" in exc.headers:
            answer.headers["Allow"] = exc.headers["Allow"]
        return answer


def _catalog(request: web.Request) -> Catalog:
    return request.config_dict[DEPS].catalog


@web.middleware
async def bearer_auth(request: web.Request, handler: Handler) -> web.StreamResponse:
    if request.path.endswith("/openapi.json"):
        return await handler(request)
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        return error_response(ApiError(401, "reason.api.token_required"), _catalog(request))
    uow = request_uow(request)
    bearer = await authenticate(
        uow, header.removeprefix("Bearer ").strip(), request.config_dict[DEPS].clock
    )
    if bearer is None:
        return error_response(ApiError(401, "reason.api.token_unknown"), _catalog(request))
    use_locale(bearer.account.locale)
    request[SCOPE] = await scope_for(uow, bearer.account, token_id=bearer.token_id)
    return await handler(request)


def path_params(path: str) -> list[str]:
    return _PARAM.findall(path)


def numeric_ids(path: str) -> str:
    """`/slots/{slot_id}` routed only for digits, so `/slots/series` is never taken for an id."""
    return _PARAM.sub(
        lambda m: m.group(0)[:-1] + r":\d+}" if _is_id(m.group(1)) else m.group(0), path
    )


def _is_id(name: str) -> bool:
    return name.endswith("_id")
