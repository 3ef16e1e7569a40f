"""A fixed-window counter in the cache: how the app limits emails a stranger can make it send."""

from __future__ import annotations

from django.core.cache import cache


def rate_exceeded(key: str, *, limit: int, window_seconds: int) -> bool:
    """Count one more request under `key` and say whether the window's count is now over `limit`."""
    cache.add(key, 0, window_seconds)
    try:
        count = cache.incr(key)
    except ValueError:  # the key expired between add and incr
        cache.set(key, 1, window_seconds)
        count = 1
    return count > limit
