"""A return's canonical document — exactly what is hashed and signed — and the differences between two.

The document is built from the return's draft, the organisation's open homes, its named contacts, the
evidence files attached to the return and the provider pledges of the current covenant version. It
holds only objects, lists, strings and integers (never floats: they do not survive every JSON
parser), and its RFC 8785 canonical JSON hashes to the signed subject digest. Its shape:

    {"documentType": "urn:gm-first:document:attestation-return:v1",
     "organisation": {"id": int, "name": str},
     "period": {"financialYear": int, "quarter": int, "label": str, "startsOn": "YYYY-MM-DD",
                "endsOn": "YYYY-MM-DD"},
     "version": int,                                   # 1, then 2 for the first correction, ...
     "supersedes": null | {"version": int, "documentSha256": str},
     "covenant": {"version": int, "documentSha256": str},   # where the pledge wording comes from
     "pledges": [{"number": int, "pledge": str, "status": "met" | "partly_met" | "not_met" |
                  "not_applicable", "narrative": str,
                  "evidence": [{"filename": str, "mediaType": str, "sizeBytes": int, "sha256": str}]}],
     "localAuthorities": {"<GM LA ONS code>": "<name>", ...},   # the ten GM LAs, to read placedBy
     "occupancy": [{"homeId": int, "name": str, "ofstedUrn": str, "hostLocalAuthority": str,
                    "registeredPlaces": int, "vacantPlaces": int, "placedOutsideGm": int,
                    "placedBy": {"<GM LA ONS code>": int, ...}}],     # every GM LA, zeros included
     "namedContacts": [{"name": str, "role": str, "email": str, "phone": str}]}

An unanswered question of an incomplete draft is null (a signed document never has one: signing
refuses an incomplete return).
"""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from covenant_portal.accounts.models import LocalAuthority
from covenant_portal.returns.models import (
    PLEDGE_STATUS_LABELS,
    QuarterlyReturn,
    EvidenceFile,
    PledgeStatus,
)
from covenant_portal.contacts.service import current_contacts
from covenant_portal.homes.models import HomeStatus, ProviderHome

DOCUMENT_TYPE = "urn:gm-first:document:attestation-return:v1"
NOT_ANSWERED = "Not answered"
# How the differences show an empty answer (never Python's "None"), in the words of check answers.
NO_EVIDENCE = "No files"
NO_NAMED_CONTACTS = "No named contacts"


def document_for(session: Session, quarterly_return: QuarterlyReturn, draft: dict | None) -> dict:
    """The document the return would be signed as now, from `draft` (the return's draft, or any
    draft-shaped answers): as the next version, superseding the latest signed one if there is one."""
    from covenant_portal.covenant.service import current_version  # the covenant imports widely

    draft = draft or {}
    latest = quarterly_return.latest_submission
    covenant = current_version(session)
    period = quarterly_return.period
    authorities = gm_local_authorities(session)
    return {
        "documentType": DOCUMENT_TYPE,
        "organisation": {"id": quarterly_return.organisation_id, "name": quarterly_return.organisation.name},
        "period": {
            "financialYear": period.financial_year,
            "quarter": period.quarter,
            "label": period.label,
            "startsOn": period.starts_on.isoformat(),
            "endsOn": period.ends_on.isoformat(),
        },
        "version": latest.version + 1 if latest is not None else 1,
        "supersedes": (
            {"version": latest.version, "documentSha256": latest.document_sha256} if latest is not None else None
        ),
        "covenant": (
            {"version": covenant.number, "documentSha256": covenant.document_sha256} if covenant is not None else None
        ),
        "pledges": _pledges(session, quarterly_return, covenant, draft.get("pledges") or {}),
        "localAuthorities": {authority.ons_code: authority.name for authority in authorities},
        "occupancy": _occupancy(session, quarterly_return.organisation_id, authorities, draft.get("occupancy") or {}),
        "namedContacts": [
            {"name": contact.name, "role": contact.role, "email": contact.email, "phone": contact.phone}
            for contact in current_contacts(session, quarterly_return.organisation_id)
        ],
    }


def gm_local_authorities(session: Session) -> list[LocalAuthority]:
    return list(
        session.scalars(
            select(LocalAuthority)
            .where(LocalAuthority.is_greater_manchester.is_(True))
            .order_by(LocalAuthority.ons_code)
        )
    )


def open_homes(session: Session, organisation_id: int) -> list[ProviderHome]:
    """The homes a return reports occupancy for: the organisation's open homes, by name."""
    return list(
        session.scalars(
            select(ProviderHome)
            .options(joinedload(ProviderHome.host_local_authority))
            .where(ProviderHome.organisation_id == organisation_id, ProviderHome.status == HomeStatus.OPEN)
            .order_by(ProviderHome.name, ProviderHome.id)
        )
    )


def current_evidence(session: Session, return_id: int) -> list[EvidenceFile]:
    """The evidence files attached to the return now (not removed), oldest first."""
    return list(
        session.scalars(
            select(EvidenceFile)
            .where(EvidenceFile.return_id == return_id, EvidenceFile.removed_at.is_(None))
            .order_by(EvidenceFile.uploaded_at, EvidenceFile.id)
        )
    )


def evidence_entry(evidence: EvidenceFile) -> dict:
    return {
        "filename": evidence.filename,
        "mediaType": evidence.media_type,
        "sizeBytes": evidence.size_bytes,
        "sha256": evidence.sha256,
    }


def _pledges(session: Session, quarterly_return: QuarterlyReturn, covenant, answers: dict) -> list[dict]:
    evidence: dict[int, list[dict]] = {}
    for file in current_evidence(session, quarterly_return.id):
        evidence.setdefault(file.pledge_number, []).append(evidence_entry(file))
    pledges = covenant.document["pledges"] if covenant is not None else []
    result = []
    for pledge in pledges:
        number = int(pledge["number"])
        answer = answers.get(str(number)) or {}
        result.append(
            {
                "number": number,
                "pledge": pledge["provider_pledge"],
                "status": answer.get("status") or None,
                "narrative": (answer.get("narrative") or "").strip(),
                "evidence": evidence.get(number, []),
            }
        )
    return result


def _occupancy(session: Session, organisation_id: int, authorities: list[LocalAuthority], answers: dict) -> list[dict]:
    result = []
    for home in open_homes(session, organisation_id):
        answer = answers.get(str(home.id)) or {}
        placed_by = answer.get("placed_by") or {}
        result.append(
            {
                "homeId": home.id,
                "name": home.name,
                "ofstedUrn": home.ofsted_urn or "",
                "hostLocalAuthority": home.host_local_authority.ons_code,
                "registeredPlaces": _count(answer.get("registered_places")),
                "vacantPlaces": _count(answer.get("vacant_places")),
                "placedOutsideGm": _count(answer.get("placed_outside_gm")),
                "placedBy": {
                    authority.ons_code: _count(placed_by.get(authority.ons_code), 0) for authority in authorities
                },
            }
        )
    return result


def _count(value: Any, missing: int | None = None) -> int | None:
    """A whole number as an int (a draft may hold one as a string); None (or `missing`) if absent."""
    if value is None or value == "":
        return missing
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    try:
        return int(str(value).strip())
    except ValueError:
        return missing


# Differences


@dataclass(frozen=True)
class Difference:
    """One answer that differs between two documents, as people read it."""

    section: str  # "Pledge 3", "Occupancy: Oak House", "Named contacts", ...
    field: str  # "Answer", "How it was kept", "Children placed by Bolton", ...
    before: str
    after: str

    @property
    def label(self) -> str:
        return f"{self.section}: {self.field}"


def differences(old_document: dict | None, new_document: dict | None) -> list[Difference]:
    """What changed from `old_document` to `new_document`, field by field, in the order of the return
    (pledges, then occupancy by home, then named contacts). Nothing if either is missing. The period,
    version and supersedes fields are not answers and are not compared."""
    if not old_document or not new_document:
        return []
    found: list[Difference] = []
    old_name = (old_document.get("organisation") or {}).get("name")
    new_name = (new_document.get("organisation") or {}).get("name")
    _compare(found, "Organisation", "Name", old_name, new_name)
    _pledge_differences(found, old_document.get("pledges") or [], new_document.get("pledges") or [])
    _occupancy_differences(found, old_document, new_document)
    _compare(
        found,
        "Named contacts",
        "Contacts",
        _contacts_text(old_document.get("namedContacts")),
        _contacts_text(new_document.get("namedContacts")),
        empty=NO_NAMED_CONTACTS,
    )
    return found


def _compare(
    found: list[Difference], section: str, field: str, before: Any, after: Any, empty: str = NOT_ANSWERED
) -> None:
    before_text, after_text = _shown(before, empty), _shown(after, empty)
    if before_text != after_text:
        found.append(Difference(section, field, before_text, after_text))


def _shown(value: Any, empty: str = NOT_ANSWERED) -> str:
    if value is None or value == "":
        return empty
    return str(value)


def status_label(status: str | None) -> str | None:
    try:
        return PLEDGE_STATUS_LABELS[PledgeStatus(status)]
    except ValueError:
        return status


def _pledge_differences(found: list[Difference], old: list[dict], new: list[dict]) -> None:
    old_by_number = {pledge.get("number"): pledge for pledge in old}
    new_by_number = {pledge.get("number"): pledge for pledge in new}
    for number in sorted(old_by_number.keys() | new_by_number.keys(), key=lambda n: (n is None, n)):
        before, after = old_by_number.get(number) or {}, new_by_number.get(number) or {}
        section = f"Pledge {number}"
        _compare(found, section, "Pledge wording", before.get("pledge"), after.get("pledge"))
        # Named as the signed version's table of pledges names them ("Answer", "How it was kept").
        _compare(found, section, "Answer", status_label(before.get("status")), status_label(after.get("status")))
        _compare(found, section, "How it was kept", before.get("narrative"), after.get("narrative"))
        _compare(
            found,
            section,
            "Evidence files",
            _evidence_text(before.get("evidence")),
            _evidence_text(after.get("evidence")),
            empty=NO_EVIDENCE,
        )


def _evidence_text(evidence: list[dict] | None) -> str:
    """The files by name; a file replaced by another of the same name shows its changed size."""
    return ", ".join(
        f"{file.get('filename')} ({size_text(file.get('sizeBytes'))}, SHA-256 {str(file.get('sha256'))[:12]})"
        for file in evidence or []
    )


def size_text(size: Any) -> str:
    """A file's size as people read it ("45 bytes", "12 KB", "1.2 MB"), on every page that lists one."""
    if not isinstance(size, int):
        return "size unknown"
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size // 1024} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def _occupancy_differences(found: list[Difference], old_document: dict, new_document: dict) -> None:
    names = {**(old_document.get("localAuthorities") or {}), **(new_document.get("localAuthorities") or {})}
    old_homes = {home.get("homeId"): home for home in old_document.get("occupancy") or []}
    new_homes = {home.get("homeId"): home for home in new_document.get("occupancy") or []}
    order = [home_id for home_id in new_homes] + [home_id for home_id in old_homes if home_id not in new_homes]
    for home_id in order:
        before, after = old_homes.get(home_id), new_homes.get(home_id)
        section = f"Occupancy: {(after or before).get('name')}"
        if before is None or after is None:
            found.append(
                Difference(
                    section,
                    "Home",
                    "Not in the return" if before is None else "In the return",
                    "Not in the return" if after is None else "In the return",
                )
            )
            continue
        _compare(found, section, "Home name", before.get("name"), after.get("name"))
        _compare(found, section, "Registered places", before.get("registeredPlaces"), after.get("registeredPlaces"))
        _compare(found, section, "Vacant places", before.get("vacantPlaces"), after.get("vacantPlaces"))
        old_placed, new_placed = before.get("placedBy") or {}, after.get("placedBy") or {}
        for code in sorted(old_placed.keys() | new_placed.keys(), key=lambda c: (names.get(c, c), c)):
            _compare(
                found,
                section,
                f"Children placed by {names.get(code, code)}",
                old_placed.get(code, 0),
                new_placed.get(code, 0),
            )
        _compare(
            found,
            section,
            "Children placed by LAs outside Greater Manchester",
            before.get("placedOutsideGm"),
            after.get("placedOutsideGm"),
        )


def _contacts_text(contacts: list[dict] | None) -> str:
    return "; ".join(
        f"{contact.get('name')} ({', '.join(str(contact[k]) for k in ('role', 'email', 'phone') if contact.get(k))})"
        for contact in contacts or []
    )
