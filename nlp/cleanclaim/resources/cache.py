"""A small on-disk cache of derived data, so a cold start does not rebuild it every time.

Files live in the user's cache folder (``$CLEANCLAIM_CACHE_DIR``, else ``$XDG_CACHE_HOME/
cleanclaim`` or ``~/.cache/cleanclaim``; ``~/Library/Caches/cleanclaim`` on macOS and
``%LOCALAPPDATA%/cleanclaim/Cache`` on Windows), named by a hash of everything the data is made
from (package versions, table hashes), so a stale entry is never read: a new key is a new file.
Nothing in it is note data. A cache that cannot be written (read-only home) is skipped.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any


def cache_dir() -> Path:
    """The folder cleanclaim caches derived data in (it may not exist yet)."""
    explicit = os.environ.get("CLEANCLAIM_CACHE_DIR")
    if explicit:
        return Path(explicit)
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "cleanclaim"
    if os.name == "nt":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base) / "cleanclaim" / "Cache"
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "cleanclaim"


def disabled() -> bool:
    """``CLEANCLAIM_NO_CACHE=1`` turns the cache off (always rebuild)."""
    return os.environ.get("CLEANCLAIM_NO_CACHE", "") not in ("", "0")


def key_of(*parts: Any) -> str:
    """A short hash of ``parts`` (JSON-serializable) naming one cache entry."""
    blob = json.dumps(parts, sort_keys=True, default=str).encode("utf-8")
    return hashlib.sha256(blob).hexdigest()[:20]


def cached_json(name: str, key: str, build: Callable[[], Any]) -> Any:
    """The JSON data ``build()`` returns, read from the cache when an entry for ``key`` exists."""
    if disabled():
        return build()
    path = cache_dir() / f"{name}-{key}.json"
    try:
        with path.open("r", encoding="utf-8") as fh:
            return json.load(fh)
    except (OSError, ValueError):
        pass
    data = build()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, separators=(",", ":"))
        os.replace(tmp, path)
    except OSError:
        pass
    return data


def version_of(dist: str) -> str | None:
    """The installed version of a distribution (None if it is not installed)."""
    import importlib.metadata

    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return None
