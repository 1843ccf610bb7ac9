"""A bounded, thread-safe LRU of SQLAlchemy engines, one per open database.

Evicting an engine disposes it, which closes its pooled connections: an idle
database holds no connection and next to no memory. An engine handed out before
its eviction keeps working (it would open new connections), so callers fetch the
engine per unit of work instead of keeping it.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable

from sqlalchemy import Engine

__all__ = ["EngineCache"]


class EngineCache:
    def __init__(self, max_open: int) -> None:
        if max_open < 1:
            raise ValueError(f"max_open must be at least 1, not {max_open}")
        self.max_open = max_open
        self._engines: OrderedDict[str, Engine] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, name: str, factory: Callable[[], Engine]) -> Engine:
        """The engine of ``name``, made by ``factory`` (outside the lock) on a miss."""
        with self._lock:
            engine = self._engines.get(name)
            if engine is not None:
                self._engines.move_to_end(name)
                return engine
        made = factory()
        evicted: list[Engine] = []
        with self._lock:
            engine = self._engines.get(name)
            if engine is None:
                engine = self._engines[name] = made
            else:  # another thread made one meanwhile: keep theirs
                evicted.append(made)
            self._engines.move_to_end(name)
            while len(self._engines) > self.max_open:
                evicted.append(self._engines.popitem(last=False)[1])
        for old in evicted:
            old.dispose()
        return engine

    def discard(self, name: str) -> None:
        """Dispose the engine of ``name``, if open."""
        with self._lock:
            engine = self._engines.pop(name, None)
        if engine is not None:
            engine.dispose()

    def names(self) -> list[str]:
        """Open databases, least recently used first."""
        with self._lock:
            return list(self._engines)

    def clear(self) -> None:
        """Dispose every engine."""
        with self._lock:
            engines = list(self._engines.values())
            self._engines.clear()
        for engine in engines:
            engine.dispose()
