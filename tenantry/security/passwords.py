"""Password hashing with Argon2 (argon2-cffi), at the library's default parameters.

Verification computes the same Argon2 function as ``PasswordHasher.verify``, with
one difference in *where* its working memory lives. The library default asks for
64 MiB per verification, and the C library mallocs and frees it each time: on a
virtual machine, faulting 16,384 fresh pages costs ~40-50 ms, a third of the whole
verification. Here one working area per process is mapped once (huge pages where
the kernel allows) and lent to Argon2 through its allocation callbacks, under a
lock. Argon2 wipes the area before handing it back, so it never holds a secret
between calls; after a minute without verifications its pages go back to the
kernel, so an idle worker does not keep 64 MiB for one login. Threads are capped
at the CPU count: more threads than cores only add switching. The result is
byte-for-byte the library's; any hash this path does not understand goes to the
library's own verifier.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import mmap
import os
import threading
import time
from typing import Any

from _argon2_cffi_bindings import ffi, lib
from argon2 import PasswordHasher, Type, extract_parameters
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from argon2.low_level import core

_HASHER = PasswordHasher()
_TYPES = {"argon2id": Type.ID, "argon2i": Type.I, "argon2d": Type.D}
_MAX_THREADS = max(1, os.cpu_count() or 1)
_IDLE_RELEASE_SECONDS = 60.0


def hash_password(password: str) -> str:
    """An Argon2id hash of ``password`` (salted; safe to store)."""
    return _HASHER.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches ``stored_hash``; a missing or foreign hash never matches."""
    if not stored_hash or not isinstance(password, str) or not password:
        return False
    try:
        encoded = password.encode()
    except UnicodeEncodeError:  # a lone surrogate (JSON allows them): no password has one
        return False
    fast = _WORK_AREA.verify(stored_hash, encoded)
    if fast is not None:
        return fast
    try:
        return _HASHER.verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """Whether ``stored_hash`` was made with other parameters than today's defaults."""
    try:
        return _HASHER.check_needs_rehash(stored_hash)
    except InvalidHashError:
        return True


def _b64decode(text: str) -> bytes:
    # PHC strings use unpadded standard base64.
    return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)


class _WorkArea:
    """One reusable Argon2 working area, lent to one verification at a time."""

    def __init__(self, size: int, idle_release: float = _IDLE_RELEASE_SECONDS) -> None:
        self.size = size
        self.idle_release = idle_release
        self._lock = threading.Lock()
        self._buffer: mmap.mmap | None = None
        self._pointer: Any = None
        self._last_use = 0.0
        self._resident = False
        self._reaper: threading.Timer | None = None
        # The callbacks must outlive every call that uses them: keep them on self.
        self._allocate = ffi.callback("int(uint8_t **, size_t)", self._lend)
        self._free = ffi.callback("void(uint8_t *, size_t)", lambda memory, size: None)

    def verify(self, stored_hash: str, password: bytes) -> bool | None:
        """The verdict, or None when this hash is not one this path handles."""
        parsed = self._parse(stored_hash)
        if parsed is None:
            return None
        kind, params, salt, digest = parsed
        if params.memory_cost * 1024 > self.size:
            return None
        out = ffi.new("uint8_t[]", len(digest))
        c_password = ffi.new("uint8_t[]", password)
        c_salt = ffi.new("uint8_t[]", salt)
        context = ffi.new(
            "argon2_context *",
            {
                "out": out,
                "outlen": len(digest),
                "pwd": c_password,
                "pwdlen": len(password),
                "salt": c_salt,
                "saltlen": len(salt),
                "secret": ffi.NULL,
                "secretlen": 0,
                "ad": ffi.NULL,
                "adlen": 0,
                "t_cost": params.time_cost,
                "m_cost": params.memory_cost,
                "lanes": params.parallelism,
                "threads": min(params.parallelism, _MAX_THREADS),
                "version": params.version,
                "allocate_cbk": self._allocate,
                "free_cbk": self._free,
                "flags": lib.ARGON2_DEFAULT_FLAGS,
            },
        )
        with self._lock:
            self._ensure_buffer()
            status = core(context, kind.value)
            self._last_use = time.monotonic()
            self._resident = True
            self._schedule_release()
        if status != lib.ARGON2_OK:
            return None
        return hmac.compare_digest(bytes(ffi.buffer(out, len(digest))), digest)

    @staticmethod
    def _parse(stored_hash: str) -> tuple[Type, Any, bytes, bytes] | None:
        parts = stored_hash.split("$")
        if len(parts) != 6 or parts[1] not in _TYPES:
            return None
        try:
            params = extract_parameters(stored_hash)
            salt, digest = _b64decode(parts[4]), _b64decode(parts[5])
        except (InvalidHashError, binascii.Error, ValueError):
            return None
        return _TYPES[parts[1]], params, salt, digest

    def _ensure_buffer(self) -> None:
        if self._buffer is not None:
            return
        buffer = mmap.mmap(-1, self.size, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
        if hasattr(mmap, "MADV_HUGEPAGE"):
            buffer.madvise(mmap.MADV_HUGEPAGE)
        self._buffer = buffer
        self._pointer = ffi.from_buffer("uint8_t[]", buffer)

    def release(self) -> bool:
        """Give the area's pages back to the kernel if it has been idle long enough."""
        with self._lock:
            self._reaper = None
            if self._buffer is None or not self._resident:
                return False
            idle = time.monotonic() - self._last_use
            if idle < self.idle_release:
                self._schedule_release(self.idle_release - idle)
                return False
            # The mapping stays; its next use faults in fresh zero pages.
            self._buffer.madvise(mmap.MADV_DONTNEED)
            self._resident = False
            return True

    def _schedule_release(self, delay: float | None = None) -> None:
        if self._reaper is None:
            self._reaper = threading.Timer(self.idle_release if delay is None else delay, self.release)
            self._reaper.daemon = True
            self._reaper.start()

    def _lend(self, memory: Any, size: int) -> int:
        # Called by Argon2 from inside core(), while self._lock is held.
        if size > self.size:
            return int(lib.ARGON2_MEMORY_ALLOCATION_ERROR)
        memory[0] = self._pointer
        return int(lib.ARGON2_OK)


_WORK_AREA = _WorkArea(_HASHER.memory_cost * 1024)
