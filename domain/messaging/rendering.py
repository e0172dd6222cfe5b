"""The one place a message template is compiled and rendered: shipped texts, admins' overrides
and auto-messages' texts alike. Admins write these bodies and the bot renders them on the
event loop that also serves everyone else, so they run in Jinja's sandbox with limits:

- no Python internals, no changing lists or dicts (the immutable sandbox);
- `range` of at most MAX_RANGE items, no recursive loops, macros, blocks or includes;
- at most MAX_STEPS loop turns and calls, and MAX_WORK characters built, in one render;
- no value (string, list, number) over MAX_VALUE characters or items, no number over
  MAX_NUMBER_BITS bits, no width or count over MAX_ARGUMENT given to a filter or a method;
- at most MAX_OUTPUT characters of output.

A render that breaks one raises TemplateLimit (a jinja2 SecurityError): the body is refused on
save and in preview, and an override that somehow breaks one at send time gives way to the
shipped text (texts.render_message)."""

from __future__ import annotations

import asyncio
import functools
import re
import string
import sys
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, NoReturn, TypeVar

from jinja2 import StrictUndefined, Template, nodes
from jinja2.exceptions import SecurityError
from jinja2.filters import FILTERS as JINJA_FILTERS
from jinja2.runtime import Context
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.utils import Cycler, Joiner, Namespace
from jinja2.visitor import NodeTransformer

MAX_RANGE = 100  # items one range() may give
MAX_STEPS = 1_000  # loop turns and calls in one render (a few ms at most)
MAX_WORK = 500_000  # characters built in one render (output, joins, filters' results)
MAX_VALUE = 20_000  # characters (or items) of any one value a template builds
MAX_NUMBER_BITS = 512  # a number a template computes (a 154-digit one)
MAX_ARGUMENT = 4_096  # a width or a count given to a filter or a method: Telegram's length
MAX_OUTPUT = 32_768  # characters of HTML one render may return (Telegram shows 4096)

# Filters that do what a message needs in time and space proportional to their input; the
# others (sum, batch, slice, indent, urlize, tojson, pprint, xmlattr, ...) are not offered.
FILTERS = (
    "abs",
    "capitalize",
    "center",
    "count",
    "d",
    "default",
    "dictsort",
    "e",
    "escape",
    "filesizeformat",
    "first",
    "float",
    "forceescape",
    "format",
    "int",
    "items",
    "join",
    "last",
    "length",
    "list",
    "lower",
    "map",
    "max",
    "min",
    "reject",
    "rejectattr",
    "replace",
    "reverse",
    "round",
    "safe",
    "select",
    "selectattr",
    "sort",
    "string",
    "striptags",
    "title",
    "trim",
    "truncate",
    "unique",
    "upper",
    "urlencode",
    "wordcount",
    "wordwrap",
)
# Constructs that repeat work without a loop turn to count, or reach other templates.
REFUSED_NODES: tuple[tuple[type[nodes.Node], str], ...] = (
    (nodes.Macro, "macro"),
    (nodes.CallBlock, "call"),
    (nodes.Block, "block"),
    (nodes.Extends, "extends"),
    (nodes.Include, "include"),
    (nodes.Import, "import"),
    (nodes.FromImport, "import"),
)
_PRINTF_SPEC = re.compile(r"%(?:\([^)]*\))?[#0\- +]*(\*|\d+)?(?:\.(\*|\d+))?")
_NUMBERS = re.compile(r"\d+")
T = TypeVar("T")
_JINJA_KWARGS = frozenset({"_loop_vars", "_block_vars"})  # what Jinja passes along to calls


class TemplateLimit(SecurityError):
    """A body broke one of the limits. `key` names its explanation in the locale catalogs
    (`[ui] template.limit.*`), filled with `values`."""

    def __init__(self, key: str, **values: Any) -> None:
        super().__init__(f"{key} {values}" if values else key)
        self.key = f"template.limit.{key}"
        self.values = values


@dataclass
class _Budget:
    steps: int = 0
    work: int = 0

    def spend(self, steps: int = 0, work: int = 0) -> None:
        self.steps += steps
        self.work += work
        if self.steps > MAX_STEPS:
            raise TemplateLimit("steps", limit=MAX_STEPS)
        if self.work > MAX_WORK:
            raise TemplateLimit("work", limit=MAX_WORK)


# The render under way in this thread or task; none while a body is only being compiled.
_budget: ContextVar[_Budget | None] = ContextVar("template_budget", default=None)


def _spend(steps: int = 0, work: int = 0) -> None:
    budget = _budget.get()
    if budget is not None:
        budget.spend(steps, work)


def _size(value: Any, limit: int = MAX_VALUE) -> int:
    """Characters or items in a value, counted into nested lists and dicts; stops counting
    past `limit` (so counting a huge value costs no more than a small one)."""
    if isinstance(value, str):
        return len(value)
    if isinstance(value, bool) or value is None:
        return 1
    if isinstance(value, int):
        return value.bit_length() // 3 + 1
    if isinstance(value, list | tuple | set | frozenset | dict):
        total = len(value)
        items = value.items() if isinstance(value, dict) else value
        for item in items:
            if total > limit:
                break
            total += _size(item, limit - total)
        return total
    return 1


def _checked(value: Any) -> Any:
    """A value a template built: within MAX_VALUE and MAX_NUMBER_BITS, charged to the render's
    work; an iterator is charged item by item as it is read."""
    if isinstance(value, int) and not isinstance(value, bool):
        if value.bit_length() > MAX_NUMBER_BITS:
            raise TemplateLimit("number")
        return value
    if isinstance(value, Iterator):
        return _metered(value, 0)
    size = _size(value)
    if size > MAX_VALUE:
        raise TemplateLimit("value", limit=MAX_VALUE)
    _spend(work=size)
    return value


def _metered(items: Iterable[Any], cost: int) -> Iterator[Any]:
    """A loop's items, each a step (and `cost` characters: the text the loop's body writes)."""
    for item in items:
        _spend(steps=1, work=cost)
        yield item


def _check_arguments(args: Iterable[Any], kwargs: Mapping[str, Any]) -> None:
    for value in (*args, *kwargs.values()):
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_ARGUMENT:
            raise TemplateLimit("argument", limit=MAX_ARGUMENT)
        if _size(value) > MAX_VALUE:
            raise TemplateLimit("value", limit=MAX_VALUE)


def _check_printf(fmt: str) -> None:
    for width, precision in _PRINTF_SPEC.findall(fmt):
        for number in (width, precision):
            if number == "*" or (number and int(number) > MAX_ARGUMENT):
                raise TemplateLimit("format", limit=MAX_ARGUMENT)


def _check_braces(fmt: str) -> None:
    for _text, _field, spec, _conversion in string.Formatter().parse(fmt):
        if spec and ("{" in spec or any(int(n) > MAX_ARGUMENT for n in _NUMBERS.findall(spec))):
            raise TemplateLimit("format", limit=MAX_ARGUMENT)


def _check_operation(operator: str, left: Any, right: Any) -> None:
    """Refuses `*`, `**`, `+` and `%` whose result would break a limit, before computing it."""
    numbers = isinstance(left, int) and isinstance(right, int)
    if operator == "**" and numbers and right > 0:
        too_large = max(left.bit_length(), 1) * right > MAX_NUMBER_BITS
    elif operator == "*" and numbers:
        too_large = left.bit_length() + right.bit_length() > MAX_NUMBER_BITS + 1
    else:
        too_large = False
    if too_large:
        raise TemplateLimit("number")
    if operator == "*":
        for value, times in ((left, right), (right, left)):
            if isinstance(times, int) and not isinstance(value, int | float):
                too_long = _size(value) * times > MAX_VALUE
                break
        else:
            too_long = False
    elif operator == "+" and not isinstance(left, int | float):
        too_long = _size(left) + _size(right) > MAX_VALUE
    else:
        too_long = False
    if too_long:
        raise TemplateLimit("value", limit=MAX_VALUE)
    if operator == "%" and isinstance(left, str):
        _check_printf(left)


def _estimate(name: str, args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> int:
    """How long the result of a filter or method that can multiply its input would be."""
    if name == "join" and args:
        first, rest = args[0], args[1:]
        if isinstance(first, str):  # str.join(items)
            items, separator = (rest[0] if rest else ()), first
        else:  # the join filter: (eval_ctx,) items, separator
            values = [a for a in args if not hasattr(a, "autoescape")]
            items = values[0] if values else ()
            separator = values[1] if len(values) > 1 else kwargs.get("d", "")
        if isinstance(items, list | tuple | str) and isinstance(separator, str):
            return _size(items) + len(separator) * len(items)
    if name == "replace":
        strings = [a for a in args if isinstance(a, str)]
        if len(strings) >= 3:
            text, old, new = strings[:3]
            return len(text) + (text.count(old) if old else len(text) + 1) * len(new)
    return 0


class _MeterLoops(NodeTransformer):
    """Every for-loop reads its items through the environment's meter; constructs that could
    repeat work uncounted are refused before anything runs."""

    def generic_visit(self, node: nodes.Node, *args: Any, **kwargs: Any) -> Any:
        for kind, label in REFUSED_NODES:
            if isinstance(node, kind):
                raise TemplateLimit("construct", construct=label)
        return super().generic_visit(node, *args, **kwargs)

    def visit_For(self, node: nodes.For) -> nodes.Node:
        if node.recursive:
            raise TemplateLimit("construct", construct="recursive")
        self.generic_visit(node)
        written = sum(  # the text the body writes on each turn, literals included
            _literal_length(literal)
            for part in (*node.body, *node.else_)
            for literal in part.find_all((nodes.TemplateData, nodes.Const))
        )
        node.iter = _internal_call("meter_loop", node.iter, nodes.Const(written + 1))
        return node

    def visit_Concat(self, node: nodes.Concat) -> nodes.Node:
        """`a ~ b ~ ...`: each part is charged before they are joined, the whole checked."""
        self.generic_visit(node)
        node.nodes = [_internal_call("charge_part", part) for part in node.nodes]
        return _internal_call("check_value", node)


def _literal_length(literal: nodes.Node) -> int:
    if isinstance(literal, nodes.TemplateData):
        return len(literal.data)
    return len(str(getattr(literal, "value", "")))


def _internal_call(name: str, *arguments: nodes.Node) -> nodes.Call:
    """A call of one of MessageSandbox's own meters, which templates cannot name."""
    lineno = arguments[0].lineno
    meter = nodes.EnvironmentAttribute(name, lineno=lineno)
    return nodes.Call(meter, list(arguments), [], None, None, lineno=lineno)


def _bounded_range(*args: int) -> range:
    numbers = range(*args)
    if len(numbers) > MAX_RANGE:
        raise TemplateLimit("range", limit=MAX_RANGE)
    return numbers


def _guarded_filter(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(function)  # keeps jinja's pass_context / pass_eval_context marks
    def guarded(*args: Any, **kwargs: Any) -> Any:
        _spend(steps=1)
        args = _read_out(args)
        _check_arguments(args, kwargs)
        if name == "format" and len(args) > 0 and isinstance(args[0], str):
            _check_printf(args[0])
        if _estimate(name, args, kwargs) > MAX_VALUE:
            raise TemplateLimit("value", limit=MAX_VALUE)
        return _checked(function(*args, **kwargs))

    return guarded


def _bounded_concat(chunks: Iterable[str]) -> str:
    """What Template.render joins its output with: stops at MAX_OUTPUT characters."""
    out: list[str] = []
    total = 0
    for chunk in chunks:
        total += len(chunk)
        if total > MAX_OUTPUT:
            raise TemplateLimit("output", limit=MAX_OUTPUT)
        out.append(chunk)
    return "".join(out)


def _charged(value: Any) -> Any:
    """Every `{{ ... }}` written (inside a set block or not) and every part joined with `~`
    is charged as work, before it is turned into text."""
    _spend(work=_size(value, MAX_WORK))
    return value


def _read_out(args: Iterable[Any]) -> tuple[Any, ...]:
    """Arguments with iterators read into lists (each item a step), so they can be sized."""
    return tuple(list(a) if isinstance(a, Iterator) else a for a in args)


class MessageSandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox, metered (see the module's doc)."""

    intercepted_binops = frozenset({"*", "**", "+", "%"})
    concat = staticmethod(_bounded_concat)

    def __init__(self) -> None:
        super().__init__(
            autoescape=True,
            undefined=StrictUndefined,
            keep_trailing_newline=False,
            finalize=_charged,
        )
        self.globals = {
            "range": _bounded_range,
            "dict": dict,
            "cycler": Cycler,
            "joiner": Joiner,
            "namespace": Namespace,
        }
        self.filters = {name: _guarded_filter(name, JINJA_FILTERS[name]) for name in FILTERS}

        # The meters the compiled template calls (see _MeterLoops); the same objects on every
        # read, so `call` knows them and does not meter the meters.
        self.meter_loop = _metered
        self.check_value = _checked
        self.charge_part = _charged
        self._meters = (_metered, _checked, _charged)

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        tree = super()._parse(source, name, filename)
        metered: nodes.Template = _MeterLoops().visit(tree)
        return metered

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        _spend(steps=1)
        _check_operation(operator, left, right)
        return _checked(super().call_binop(context, operator, left, right))

    def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        if any(__obj is meter for meter in __self._meters):
            return __context.call(__obj, *args, **kwargs)
        _spend(steps=1)
        args = _read_out(args)
        if __obj is not _bounded_range:  # which says why itself
            _check_arguments(args, {k: v for k, v in kwargs.items() if k not in _JINJA_KWARGS})
        name = getattr(__obj, "__name__", "")
        if name == "expandtabs":
            raise TemplateLimit("method", name=name)
        if _estimate(name, (getattr(__obj, "__self__", None), *args), kwargs) > MAX_VALUE:
            raise TemplateLimit("value", limit=MAX_VALUE)
        return _checked(super().call(__context, __obj, *args, **kwargs))

    def handle_exception(self, source: str | None = None) -> NoReturn:
        """Raised as it is: Jinja's rewriting of the traceback into template lines compiles
        code, costing more than the render it reports on, and the reason is all we show."""
        raised = sys.exc_info()[1]
        assert raised is not None  # Jinja calls this only while handling an exception
        raise raised

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        wrapped = super().wrap_str_format(value)
        if wrapped is None:
            return None
        _check_braces(value.__self__)
        return wrapped


_sandbox = MessageSandbox()
GLOBALS = frozenset(_sandbox.globals)
CACHE_SIZE = 2048  # compiled bodies kept: every shipped one and the admins' overrides
_cache: OrderedDict[str, Template | Exception] = OrderedDict()
_cache_lock = threading.Lock()
_worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="templates")


def _compiled(body: str) -> Template | Exception:
    """Compiling is most of a render's cost; shipped and admins' bodies are few and reused. A
    body that does not compile is remembered too: a stored one is not compiled anew for
    every message it fails to render."""
    with _cache_lock:
        known = _cache.get(body)
        if known is not None:
            _cache.move_to_end(body)
            return known
    compiled: Template | Exception
    try:
        compiled = _sandbox.from_string(body)
    except Exception as exc:  # TemplateSyntaxError, TemplateLimit (a refused construct)
        compiled = exc
    with _cache_lock:
        _cache[body] = compiled
        if len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return compiled


async def aside(function: Callable[..., T], *args: Any) -> T:
    """Runs template work (compiling, checking a body) in the one thread kept for it: Jinja
    takes about 100 ms to parse and compile a 4,000-character body, which must not hold the
    event loop (the thread gives it the interpreter back every few ms). One at a time, so many
    at once delay only each other, never the bot."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(_worker, functools.partial(function, *args))


async def compile_aside(body: str) -> None:
    """Makes sure `body` is compiled (in the worker), so that render() does not compile it on
    the event loop."""
    if body not in _cache:
        await aside(_compiled, body)


def parse(body: str) -> nodes.Template:
    """The body's syntax tree (raises TemplateSyntaxError, or TemplateLimit for a construct
    the sandbox refuses)."""
    return _sandbox.parse(body)


# Values a rendering is remembered for: plain ones, compared by value and type (a Markup is a
# str rendered otherwise; an object's attributes may change; 0.0 and -0.0 are equal keys).
_PLAIN = frozenset({int, bool, type(None)})
# Text values are remembered only for variables that are the same for everyone: a rendering
# holding a person's name or a staff member's words is kept nowhere (nor after an erasure).
SHARED_TEXT_VARIABLES = frozenset({"policy_url"})
RENDERED_KEPT = 512  # renderings remembered: the texts many people are sent alike


def render(body: str, values: Mapping[str, Any]) -> str:
    """The body rendered within the limits (raises a jinja2 TemplateError, TemplateLimit
    among them, or whatever a template's own arithmetic raises: 1/0). A template is a pure
    function of its values (the sandbox offers no clock, no randomness): a body rendered with
    the same values as lately, none of them personal (the consent text, a question, a
    button), is answered from memory, without Jinja (about 0.1 ms saved each time)."""
    # Each value with its type: 1 and True are equal keys but render "1" and "True".
    items = tuple((name, type(value), value) for name, value in values.items())
    if all(_remembered(name, kind) for name, kind, _ in items):
        return _render_remembered(body, items)
    return _render(body, values)


def _remembered(name: str, kind: type) -> bool:
    return kind in _PLAIN or (kind is str and name in SHARED_TEXT_VARIABLES)


@functools.lru_cache(maxsize=RENDERED_KEPT)
def _render_remembered(body: str, items: tuple[tuple[str, type, Any], ...]) -> str:
    # An error is raised each time, never remembered.
    return _render(body, {name: value for name, _, value in items})


def _render(body: str, values: Mapping[str, Any]) -> str:
    template = _compiled(body)
    if isinstance(template, Exception):
        raise template.with_traceback(None)
    token = _budget.set(_Budget())
    try:
        return template.render(**values)
    finally:
        _budget.reset(token)
