"""The tagged cache and its backends. The Redis backend is imported when first named: `redis`
(and the `cryptography` it pulls in) costs about 12 MB resident that a process without Redis
does without."""

from typing import TYPE_CHECKING

from storage.cache.backend import CacheBackend
from storage.cache.memory import MemoryBackend
from storage.cache.tagged import Cache, CacheStats

if TYPE_CHECKING:
    from storage.cache.redis import RedisBackend

__all__ = ["Cache", "CacheBackend", "CacheStats", "MemoryBackend", "RedisBackend"]


def __getattr__(name: str) -> object:
    if name == "RedisBackend":
        from storage.cache.redis import RedisBackend

        return RedisBackend
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
