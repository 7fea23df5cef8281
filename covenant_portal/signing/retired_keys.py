"""Signing for a person when the key may have been retired a moment ago (`keys rotate`): what every
area that seals what someone submits does the same way."""

import logging
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.orm import Session

from covenant_portal.signing.portal_key import PortalKey
from covenant_portal.signing.service import KeyRetired, with_current_key

T = TypeVar("T")

logger = logging.getLogger(__name__)


def sign_or_refuse(
    session: Session,
    current_key: Callable[[], PortalKey],
    sign: Callable[[PortalKey], T],
    refusal: Callable[[], Exception],
    what: str,
    *,
    roll_back: bool = True,
) -> T:
    """sign(key) with the key current_key() gives, once more with a newer key if that one was
    retired meanwhile (with_current_key). If there is no newer key, nothing of it is kept (the
    transaction is rolled back, unless roll_back=False says the caller's savepoint has undone the
    attempt and the rest of its transaction stays), the refusal of `what` (say "covenant signing")
    is logged for the operators, and refusal() is raised: an area's error, telling the person to try
    again."""
    try:
        return with_current_key(current_key, sign)
    except KeyRetired as retired:
        if roll_back:
            session.rollback()
        logger.warning("%s refused: signing key %s is retired and no newer key file is here", what, retired.keyid)
        raise refusal() from None
