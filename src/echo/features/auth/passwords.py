"""Password hashing (argon2id), the password policy and temporary passwords."""

from __future__ import annotations

import asyncio
import re
import secrets
import string

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from echo.core.errors import InvalidInput

_hasher = PasswordHasher()  # argon2id with the library's recommended parameters
# Verified when the username is unknown, so that path costs the same as a wrong password.
DUMMY_HASH = _hasher.hash("echo-dummy-password-for-unknown-users")

USERNAME_PATTERN = re.compile(r"[A-Za-z0-9_]{3,50}")
SPECIALS = "!@#$%^&*()-_=+[]{};:,.?/"


async def hash_password(password: str) -> str:
    return await asyncio.to_thread(_hasher.hash, password)


async def verify_password(password_hash: str, password: str) -> bool:
    def verify() -> bool:
        try:
            return _hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    return await asyncio.to_thread(verify)


def check_policy(password: str) -> None:
    """8 to 128 characters with an upper-case and a lower-case letter, a digit and a symbol."""
    problems = []
    if not 8 <= len(password) <= 128:
        problems.append("be 8 to 128 characters long")
    if not re.search(r"[A-Z]", password):
        problems.append("contain an upper-case letter")
    if not re.search(r"[a-z]", password):
        problems.append("contain a lower-case letter")
    if not re.search(r"\d", password):
        problems.append("contain a digit")
    if not re.search(r"[^A-Za-z0-9]", password):
        problems.append("contain a special character")
    if problems:
        raise InvalidInput("Password must " + ", ".join(problems))


def check_username(username: str) -> None:
    # fullmatch: a "$" anchor would let a trailing newline through.
    if not USERNAME_PATTERN.fullmatch(username):
        raise InvalidInput("Username must be 3 to 50 letters, digits or underscores")


def temporary_password(length: int = 16) -> str:
    """A random password that satisfies the policy."""
    alphabet = string.ascii_letters + string.digits + SPECIALS
    required = [
        secrets.choice(string.ascii_uppercase),
        secrets.choice(string.ascii_lowercase),
        secrets.choice(string.digits),
        secrets.choice(SPECIALS),
    ]
    rest = [secrets.choice(alphabet) for _ in range(length - len(required))]
    chars = required + rest
    secrets.SystemRandom().shuffle(chars)
    return "".join(chars)
