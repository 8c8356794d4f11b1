"""A bounded, expiring cache of one function's values, shared by every thread of the process.

It does what st.cache_resource did for the dashboard's shared tables at about a hundredth of the cost of a hit
(1 µs against 110 µs or more): a page view asks some forty times, so the hits alone were 4-5 ms of a view's CPU.
Arguments must be hashable (the caches' keys are strings, numbers and tuples). A value is worked out once
however many threads ask for it at the same moment; an exception is passed on, not kept.
"""
from __future__ import annotations

import threading
import time
from collections import OrderedDict
from contextlib import nullcontext
from typing import Any, Callable, ContextManager


class Memo:
    """`fn`'s values by arguments: at most `max_entries` (the least recently used go first), each for `ttl`
    seconds. `while_computing()` gives a context the work runs in (a spinner, say)."""

    def __init__(self, fn: Callable | None = None, max_entries: int | None = None, ttl: float | None = None,
                 while_computing: Callable[[], ContextManager] = nullcontext):
        self.fn, self.max_entries, self.ttl, self.while_computing = fn, max_entries, ttl, while_computing
        self._values: OrderedDict[tuple, tuple[Any, float]] = OrderedDict()
        self._lock = threading.Lock()
        self._computing: dict[tuple, threading.Lock] = {}

    def __call__(self, *args, **kwargs):
        key = (args, tuple(sorted(kwargs.items()))) if kwargs else args
        return self.get(key, lambda: self.fn(*args, **kwargs))

    def get(self, key: tuple, compute: Callable[[], Any]):
        """The value held for `key`, or `compute()`'s, then held."""
        found, value = self._get(key)
        if found:
            return value
        with self._lock:
            key_lock = self._computing.setdefault(key, threading.Lock())
        with key_lock:  # one thread works a value out; the others wait for it
            found, value = self._get(key)
            if not found:
                try:
                    with self.while_computing():
                        value = compute()
                    self._put(key, value)
                finally:
                    with self._lock:
                        self._computing.pop(key, None)
        return value

    def _get(self, key: tuple) -> tuple[bool, Any]:
        with self._lock:
            held = self._values.get(key)
            if held is None:
                return False, None
            if held[1] < time.monotonic():
                del self._values[key]
                return False, None
            self._values.move_to_end(key)
            return True, held[0]

    def _put(self, key: tuple, value) -> None:
        expires = time.monotonic() + self.ttl if self.ttl is not None else float("inf")
        with self._lock:
            self._values[key] = (value, expires)
            self._values.move_to_end(key)
            while self.max_entries is not None and len(self._values) > self.max_entries:
                self._values.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._values.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._values)
