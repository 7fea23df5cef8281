"""What changed in the covenant's wording from one version to the next: shown to the admin before
publishing, and to providers asked to sign the new version."""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from covenant_portal.covenant.models import CovenantVersion


@dataclass(frozen=True)
class WordingChange:
    part: str  # e.g. "Pledge 2: what providers pledge"
    before: str
    after: str


def wording_changes(before: dict, after: dict) -> list[WordingChange]:
    """Each part of the wording that differs, in the covenant's own order."""
    changes = []
    for part, key in (("Title", "title"), ("Purpose", "purpose"), ("Introduction to the aims", "aims_preamble")):
        if before.get(key) != after.get(key):
            changes.append(WordingChange(part, before.get(key) or "", after.get(key) or ""))
    if before.get("aims") != after.get("aims"):
        changes.append(WordingChange("Aims", "\n".join(before.get("aims") or []), "\n".join(after.get("aims") or [])))
    pledges_before = {pledge["number"]: pledge for pledge in before.get("pledges") or []}
    for pledge in after.get("pledges") or []:
        earlier = pledges_before.get(pledge["number"], {})
        for side, key in (("what local authorities pledge", "la_pledge"), ("what providers pledge", "provider_pledge")):
            if earlier.get(key) != pledge.get(key):
                changes.append(
                    WordingChange(f"Pledge {pledge['number']}: {side}", earlier.get(key) or "", pledge.get(key) or "")
                )
    return changes


def previous_version(session: Session, version: CovenantVersion) -> CovenantVersion | None:
    """The published version before `version` (for a draft: the one in force now)."""
    return session.scalar(
        select(CovenantVersion)
        .where(CovenantVersion.published_at.is_not(None), CovenantVersion.number < version.number)
        .order_by(CovenantVersion.number.desc())
        .limit(1)
    )


def changes_since_previous(
    session: Session, version: CovenantVersion
) -> tuple[CovenantVersion | None, list[WordingChange]]:
    previous = previous_version(session, version)
    return previous, wording_changes(previous.document, version.document) if previous else []
