"""What "names removed" means for a learning summary. A summary from a concern has up to two
parties: the one the concern is about and the one that raised it (none when an officer or the
portal raised it). Unless every party has agreed on the summary's page, no name of theirs is shown:
not their organisation's or authority's name, nor one of their homes' names or Ofsted URNs. The officer's text is
refused if it holds such a name (service.py), and what is shown is anonymised again as it is shown
(a party may withdraw after publication), each name read as "a provider", "a children's home" or
"a local authority".

Another provider's name, or one of its homes', is never shown with a summary of a concern it is
not a party to: no one can agree for it.

A name is found as a whole word, in any case: the full name, the name without a legal ending
(Ltd, Limited, CIC, plc), and an organisation's first word when it is a name of its own (five
letters or more, with its capital: "Brightwater"). "Greater Manchester" is the region, not Manchester
City Council, so it is not read as a name."""

import re
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from covenant_portal.accounts.models import LocalAuthority, ProviderOrganisation
from covenant_portal.concerns.models import Concern, Side
from covenant_portal.homes.models import ProviderHome

A_PROVIDER, A_HOME, AN_AUTHORITY = "a provider", "a children's home", "a local authority"
LEGAL_ENDINGS = re.compile(r"\s+(ltd\.?|limited|cic|plc)$", re.IGNORECASE)
REGION = re.compile(r"\bGreater Manchester\b", re.IGNORECASE)
# First words that say what an organisation is, not who: never read as a name on their own.
GENERIC_WORDS = frozenset({"Provider", "Children's", "Children’s", "Greater", "North", "South", "Community", "Family"})


@dataclass(frozen=True)
class Name:
    pattern: re.Pattern
    placeholder: str
    words: str  # the name as the message shows it


def _whole_word(words: str, flags=re.IGNORECASE) -> re.Pattern:
    return re.compile(r"(?<![\w’'])" + re.escape(words) + r"(?![\w])", flags)


def _organisation_names(organisation: ProviderOrganisation, homes: list[ProviderHome]) -> list[Name]:
    names = [Name(_whole_word(organisation.name), A_PROVIDER, organisation.name)]
    short = LEGAL_ENDINGS.sub("", organisation.name).strip()
    if short and short != organisation.name:
        names.append(Name(_whole_word(short), A_PROVIDER, short))
    first = organisation.name.split()[0] if organisation.name.split() else ""
    if len(first) >= 5 and first[0].isupper() and first not in (organisation.name, short, *GENERIC_WORDS):
        names.append(Name(_whole_word(first, 0), A_PROVIDER, first))
    names += [Name(_whole_word(home.name), A_HOME, home.name) for home in homes if home.name.strip()]
    # An Ofsted URN is on Ofsted's public register: it names the home as surely as its name does.
    urns = [home.ofsted_urn.strip() for home in homes if home.ofsted_urn and home.ofsted_urn.strip()]
    return names + [Name(_whole_word(urn), A_HOME, urn) for urn in urns]


def names_by_organisation(session: Session) -> dict[int, list[Name]]:
    """Every provider's names and its homes', by organisation id, in two queries (the library
    anonymises every summary it lists with them)."""
    homes: dict[int, list[ProviderHome]] = defaultdict(list)
    for home in session.scalars(select(ProviderHome)):
        homes[home.organisation_id].append(home)
    organisations = session.scalars(select(ProviderOrganisation))
    return {
        organisation.id: _organisation_names(organisation, homes[organisation.id]) for organisation in organisations
    }


def _authority_names(authority: LocalAuthority) -> list[Name]:
    return [Name(_whole_word(authority.name), AN_AUTHORITY, authority.name)]


def _party_names(by_organisation: dict[int, list[Name]], organisation, authority) -> list[Name]:
    if organisation is not None:
        return by_organisation.get(organisation.id, [])
    if authority is not None:
        return _authority_names(authority)
    return []


def has_raiser_party(concern: Concern) -> bool:
    """True if the concern was raised by a provider or an LA (not by an officer or the portal)."""
    return concern.raised_by_side in (Side.PROVIDER, Side.LOCAL_AUTHORITY)


def hidden_names(
    session: Session, concern: Concern | None, agreed: bool, by_organisation: dict[int, list[Name]] | None = None
) -> list[Name]:
    """The names a summary of the concern may not show, longest first (so a full name is read
    before its part): its parties' unless every party agreed, and always every other provider's
    and its homes' (not a party to the concern, so no one can agree for it). For good practice tied
    to no concern, every provider's and home's name. `by_organisation` is names_by_organisation's
    answer, if the caller has it already."""
    if by_organisation is None:
        by_organisation = names_by_organisation(session)
    parties: set[int] = set()
    names: list[Name] = []
    if concern is not None:
        parties = {key for key in (concern.about_organisation_id, concern.raised_for_organisation_id) if key}
        if not agreed:
            names += _party_names(by_organisation, concern.about_organisation, concern.about_local_authority)
            names += _party_names(by_organisation, concern.raised_for_organisation, concern.raised_for_local_authority)
    names += [name for key, found in by_organisation.items() if key not in parties for name in found]
    return sorted(names, key=lambda name: -len(name.words))


def names_in(text: str, names: list[Name]) -> list[str]:
    """The names found in the text, each once, in the order of `names`."""
    text = REGION.sub("", text)
    found: list[str] = []
    for name in names:
        if name.pattern.search(text) and name.words not in found:
            found.append(name.words)
    return found


def anonymised(text: str, names: list[Name]) -> str:
    """The text with each name read as what it is ("a provider"...), the region left as it is."""
    kept = REGION.findall(text)
    text = REGION.sub("\0", text)
    for name in names:
        text = name.pattern.sub(name.placeholder, text)
    for region in kept:
        text = text.replace("\0", region, 1)
    return text
