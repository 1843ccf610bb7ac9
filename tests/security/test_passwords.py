"""Argon2 verification through the reusable work area agrees with the library."""

from __future__ import annotations

import threading
import time

import pytest
from argon2 import PasswordHasher, Type

from tenantry.security import passwords

# Small costs keep the tests fast; the work area handles any cost up to its size.
_LIGHT = {"time_cost": 1, "memory_cost": 1024, "parallelism": 2}


@pytest.mark.parametrize("kind", [Type.ID, Type.I, Type.D])
def test_work_area_accepts_exactly_what_the_library_accepts(kind: Type) -> None:
    stored = PasswordHasher(type=kind, **_LIGHT).hash("s3cret")
    assert passwords._WORK_AREA.verify(stored, b"s3cret") is True
    assert passwords._WORK_AREA.verify(stored, b"s3cret ") is False
    assert passwords.verify_password(stored, "s3cret")
    assert not passwords.verify_password(stored, "S3cret")


def test_default_hashes_verify_through_the_work_area() -> None:
    stored = passwords.hash_password("pässwörd")
    assert passwords._WORK_AREA.verify(stored, "pässwörd".encode()) is True
    assert passwords.verify_password(stored, "pässwörd")
    assert not passwords.verify_password(stored, "passwörd")


@pytest.mark.parametrize(
    "stored",
    [
        "pbkdf2_sha512$600000$abc$def",
        "$argon2id$v=19$m=1024,t=1,p=2$not*base64$AAAA",
        "$argon2id$v=19$m=1024,t=1,p=2$c2FsdHNhbHQ",
        "$scrypt$ln=16,r=8,p=1$aM15713r3Xsvxbi31lqr1Q$nFNh2CVHVjNldFVKDHDlm4CbdRSCdEBsjjJxD+iCs5E",
    ],
)
def test_foreign_or_damaged_hashes_never_match(stored: str) -> None:
    assert passwords._WORK_AREA.verify(stored, b"x") in (None, False)
    assert not passwords.verify_password(stored, "x")


def test_hashes_larger_than_the_work_area_go_to_the_library() -> None:
    area = passwords._WorkArea(512 * 1024)
    stored = PasswordHasher(**_LIGHT).hash("big")  # needs 1 MiB
    assert area.verify(stored, b"big") is None


def test_concurrent_verifications_share_the_area_safely() -> None:
    stored = PasswordHasher(**_LIGHT).hash("shared")
    verdicts: list[bool] = []

    def check(password: str) -> None:
        for _ in range(5):
            verdicts.append(passwords.verify_password(stored, password))

    threads = [threading.Thread(target=check, args=(pw,)) for pw in ("shared", "other") * 3]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert verdicts.count(True) == 15 and verdicts.count(False) == 15


def test_an_idle_work_area_returns_its_pages_to_the_kernel() -> None:
    area = passwords._WorkArea(1024 * 1024, idle_release=0.05)
    stored = PasswordHasher(**_LIGHT).hash("idle")
    assert area.verify(stored, b"idle") is True
    assert area.release() is False  # still in use: too recent
    time.sleep(0.3)  # the timer releases it
    assert not area._resident
    assert area.verify(stored, b"idle") is True  # and it still works afterwards
