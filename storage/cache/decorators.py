"""`@cached` for repository read methods: cache-aside keyed by method and arguments."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Any, Concatenate, ParamSpec, Protocol, TypeVar, cast, get_type_hints

from pydantic import TypeAdapter

from storage.cache.tagged import CACHED_TAGS, Cache

P = ParamSpec("P")
_DECODED_PER_METHOD = 1_000
T = TypeVar("T")


class CachingRepository(Protocol):
    cache_tag: str

    def cache_for_reads(self) -> Cache | None:
        """The cache, or None when this unit of work has written to the tag's tables."""
        ...


R = TypeVar("R", bound=CachingRepository)


def cached(
    ttl: int | None = None,
) -> Callable[
    [Callable[Concatenate[R, P], Awaitable[T]]], Callable[Concatenate[R, P], Awaitable[T]]
]:
    """Cache a method's DTO result under the repository's tag. Its return annotation
    decides how the value is serialized, so it must be a DTO, a list of them, or a scalar."""

    def decorate(
        method: Callable[Concatenate[R, P], Awaitable[T]],
    ) -> Callable[Concatenate[R, P], Awaitable[T]]:
        adapter: TypeAdapter[Any] | None = None
        # The DTOs last decoded, by key, beside the bytes they came from: a read answered with
        # the same bytes again skips pydantic's validation.
        decoded: dict[str, tuple[bytes, Any]] = {}

        @functools.wraps(method)
        async def wrapper(self: R, *args: P.args, **kwargs: P.kwargs) -> T:
            nonlocal adapter
            cache = self.cache_for_reads()
            if cache is None:
                return await method(self, *args, **kwargs)
            if adapter is None:
                adapter = TypeAdapter(get_type_hints(method)["return"])
            key = _key(self.cache_tag, method.__name__, args, kwargs)
            loaded: list[T] = []

            async def load() -> bytes:
                value = await method(self, *args, **kwargs)
                loaded.append(value)
                return adapter.dump_json(value)

            raw = await cache.get_or_load(key, (self.cache_tag,), load, ttl)
            if loaded:
                return loaded[0]
            known = decoded.get(key)
            if known is not None and known[0] == raw:  # the same bytes: the same (frozen) DTO
                return cast(T, known[1])
            result: T = adapter.validate_json(raw)
            if len(decoded) >= _DECODED_PER_METHOD:
                decoded.clear()
            decoded[key] = (raw, result)
            return result

        wrapper.cached = True  # type: ignore[attr-defined]  # see register_cached_tag
        return cast(Callable[Concatenate[R, P], Awaitable[T]], wrapper)

    return decorate


def register_cached_tag(cls: type[Any]) -> None:
    """Note a repository's tag among those cached reads carry, if it has a `@cached` method."""
    tag = getattr(cls, "cache_tag", None)
    if tag and any(getattr(v, "cached", False) for v in vars(cls).values()):
        CACHED_TAGS.add(tag)


def _key(tag: str, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> str:
    parts = [tag, name, *map(repr, args)]
    parts.extend(f"{k}={v!r}" for k, v in sorted(kwargs.items()))
    return ":".join(parts)
