"""Password hashing (argon2) and the password policy."""

import gzip
from dataclasses import dataclass
from functools import cache
from importlib import resources

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError

MINIMUM_LENGTH = 12
DEFAULT_PROFILE = "RFC_9106_LOW_MEMORY"


@dataclass(frozen=True)
class PasswordSettings:
    # argon2's parameter profile. Tests choose CHEAPEST (config PASSWORD_HASH_PROFILE); production never may.
    profile: str = DEFAULT_PROFILE

    @classmethod
    def from_config(cls, config) -> "PasswordSettings":
        return cls(profile=config["PASSWORD_HASH_PROFILE"])


def _hasher(settings: PasswordSettings) -> PasswordHasher:
    return _hasher_for(settings.profile)


@cache
def _hasher_for(profile: str) -> PasswordHasher:
    return PasswordHasher.from_parameters(getattr(profiles, profile))


def hash_password(settings: PasswordSettings, password: str) -> str:
    return _hasher(settings).hash(password)


def verify_password(settings: PasswordSettings, password_hash: str | None, password: str) -> bool:
    if password_hash is None:
        # Spend the same time as a real check so response time does not reveal unknown accounts.
        _verify_dummy(settings, password)
        return False
    try:
        return _hasher(settings).verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _verify_dummy(settings: PasswordSettings, password: str) -> None:
    try:
        _hasher(settings).verify(_dummy_hash(_hasher(settings)), password)
    except (VerificationError, InvalidHashError):
        pass


@cache
def _dummy_hash(hasher: PasswordHasher) -> str:
    return hasher.hash("a password nobody has")


@cache
def common_passwords() -> frozenset[str]:
    data = resources.files("covenant_portal.accounts").joinpath("data/common-passwords.txt.gz").read_bytes()
    return frozenset(gzip.decompress(data).decode().split())


def password_problem(password: str) -> str | None:
    """What is wrong with a new password, in words for the person choosing it; None if nothing."""
    if len(password) < MINIMUM_LENGTH:
        return f"Password must be {MINIMUM_LENGTH} characters or more"
    if password.lower().strip() in common_passwords():
        return "Password is too common: choose one that would be hard to guess"
    return None
