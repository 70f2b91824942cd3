"""Django's Redis cache, keeping its Redis client.

Django's `RedisCacheClient` builds a new `redis.Redis` object around the same connection
pool for every cache call; building one (its table of response callbacks) costs about as
much as the call itself. The Today page and endpoint make one cache call a request, so
on their cached path that was a tenth of the time (bench/today_throughput.py, profiled).
Here each pool gets one client, made on first use: the connections, the pool and every
behaviour are Django's own (a `redis.Redis` client is safe to share between threads).
"""

from typing import Any

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient


class RedisCacheClient(DjangoRedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        pool = self._get_connection_pool(write)  # type: ignore[attr-defined]
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)  # type: ignore[attr-defined]
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server: Any, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient
