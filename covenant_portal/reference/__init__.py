"""Reference data shipped inside the package (copied from shared/covenant; the app never reads shared/)."""

import csv
import json
from functools import cache
from importlib import resources

from sqlalchemy import select
from sqlalchemy.orm import Session

from covenant_portal.accounts.models import LocalAuthority


def _open(name: str):
    return resources.files(__package__).joinpath(name).open(encoding="utf-8")


@cache
def covenant_v1() -> dict:
    with _open("gm-first-covenant-v1.json") as handle:
        return json.load(handle)


def gm_local_authority_rows() -> list[dict[str, str]]:
    with _open("gm-local-authorities.csv") as handle:
        return list(csv.DictReader(handle))


def load_local_authorities(session: Session) -> int:
    """Insert or update the ten GM LAs; returns how many were added. Safe to run again."""
    existing = {la.ons_code: la for la in session.scalars(select(LocalAuthority))}
    added = 0
    for row in gm_local_authority_rows():
        authority = existing.get(row["ons_code"])
        if authority is None:
            authority = LocalAuthority(ons_code=row["ons_code"])
            session.add(authority)
            added += 1
        authority.name = row["name"]
        authority.council = row["council"]
        authority.is_greater_manchester = True
    session.commit()
    return added


def load_covenant(session: Session) -> bool:
    """Publish version 1 of the covenant if it is not there yet; returns whether it was added.
    An existing version 1 is never changed: signatures cover its exact text."""
    from covenant_portal.covenant.service import load_first_version
    from covenant_portal.db import utcnow

    added = load_first_version(session, covenant_v1(), utcnow()) is not None
    session.commit()
    return added
