from storage.cache.backend import CacheBackend
from storage.cache.memory import MemoryBackend
from storage.cache.redis import RedisBackend
from storage.cache.tagged import Cache, CacheStats

__all__ = ["Cache", "CacheBackend", "CacheStats", "MemoryBackend", "RedisBackend"]
