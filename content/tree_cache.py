"""One version number for everything cached about the live page tree (routes, sites, course
outlines, lesson bodies): publishing, unpublishing, moving, deleting or saving a page,
changing a page's privacy or a site bumps it (receivers connected in content/apps.py).

The version lives in the shared cache (Django's `default`: each process's memory with one
process, the database cache with several servers), so a bump reaches every server on its
next request. What is cached under a version never changes (a change makes a new version),
so `tree_cached` also keeps it in this process's memory: a request reads the shared cache
once, for the version (pinned for the request by content.middleware), and everything else
from memory. Stale entries are never deleted: they stop being read and expire."""

import time
from contextlib import contextmanager
from contextvars import ContextVar

from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache

VERSION_KEY = "content:tree:version"
TIMEOUT = 24 * 60 * 60

_LOCAL = LocMemCache("content-tree", {"TIMEOUT": TIMEOUT, "OPTIONS": {"MAX_ENTRIES": 3000}})
_pinned: ContextVar[int | None] = ContextVar("tree_version_pinned", default=None)


def _read_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        # Never a number used before, even after the shared cache was emptied: this
        # process's memory may still hold entries under the old numbers.
        cache.add(VERSION_KEY, time.time_ns() // 1000, timeout=None)
        version = cache.get(VERSION_KEY)
    return version


def tree_version() -> int:
    pinned = _pinned.get()
    return pinned if pinned is not None else _read_version()


@contextmanager
def pinned_version():
    """Read the version once for a whole request (content.middleware)."""
    token = _pinned.set(_read_version())
    try:
        yield
    finally:
        _pinned.reset(token)


def tree_key(*parts) -> str:
    """A cache key that belongs to the current version of the page tree."""
    return ":".join(["content:tree", str(tree_version()), *map(str, parts)])


# Values read on nearly every request and never changed by their readers (the route table,
# the site, a scenario's steps), held as they are: LocMemCache unpickles a value on each get,
# which for the route table cost more than the lookup it saves. Only the current version's.
_FROZEN: dict[str, object] = {}
_frozen_version: list[int | None] = [None]


def tree_cached(*parts, build, frozen: bool = False):
    """The value cached under `parts` for this version of the tree: from this process's
    memory, else the shared cache, else `build()` (stored in both). `frozen`: the caller
    promises never to change the value it gets, which is then the one object kept here,
    not a copy."""
    key = tree_key(*parts)
    if frozen:
        version = tree_version()
        if _frozen_version[0] != version:
            _FROZEN.clear()
            _frozen_version[0] = version
        value = _FROZEN.get(key)
        if value is None:
            value = _FROZEN[key] = _tree_cached(key, build)
        return value
    return _tree_cached(key, build)


def _tree_cached(key: str, build):
    value = _LOCAL.get(key)
    if value is not None:
        return value
    shared = not isinstance(caches["default"], LocMemCache)  # another server may have it
    if shared:
        value = cache.get(key)
    if value is None:
        value = build()
        if shared:
            cache.set(key, value, timeout=TIMEOUT)
    _LOCAL.set(key, value, timeout=TIMEOUT)
    return value


def tree_changed(**kwargs) -> None:
    """Signal receiver: everything cached about the page tree is stale, for every server."""
    try:
        version = cache.incr(VERSION_KEY)
    except ValueError:  # not in the cache yet: a fresh start is a new version too
        version = time.time_ns() // 1000
        cache.set(VERSION_KEY, version, timeout=None)
    if _pinned.get() is not None:
        _pinned.set(version)  # the rest of this request sees its own change


def tree_page_saved(sender, instance, **kwargs) -> None:
    """post_save receiver (every model: a page's signal is sent for its own class)."""
    from wagtail.models import Page

    if isinstance(instance, Page):
        tree_changed()
