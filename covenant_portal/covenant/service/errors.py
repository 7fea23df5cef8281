"""Covenant rules: the errors they raise, each with a message fit to show.

Functions take the session and an explicit `now`; those that change state write an audit event
and commit.
"""

from covenant_portal.covenant.models import CovenantSignature


class CovenantError(Exception):
    """A covenant rule was broken; the message is fit to show the user."""


class NoNamedContact(CovenantError):
    pass


class SigningKeyRetired(CovenantError):
    """The portal's signing key was retired (`keys rotate`, perhaps on another machine) and this
    process has no newer key to sign with yet."""


class AlreadySigned(CovenantError):
    def __init__(self, signature: CovenantSignature):
        super().__init__(f"Your organisation has already signed version {signature.covenant_version.number}.")
        self.signature = signature
