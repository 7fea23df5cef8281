"""The demo's covenant: every signatory signed version 1 three years back (in the weeks before the
first owed quarter); the admin published version 2 nine to twelve months back, fixing a stray word
in pledge 2, and some signatories have signed it since. All through the covenant service: each
signature is sealed in the ledger, audited and confirmed by email, dated when it happened. The
re-signing chase job (`chase_covenant_resigning`, the real one) runs on each day its ladder falls
after version 2, so those slow to sign it were reminded and those that never did were escalated."""

from datetime import timedelta

from covenant_portal.audit.service import Actor
from covenant_portal.covenant.chasing.ladder import STAGES, stage_date
from covenant_portal.covenant.chasing.service import chase_resigning
from covenant_portal.covenant.models import CovenantStatus
from covenant_portal.covenant.service import (
    Signing,
    current_version,
    draft_version,
    publish_version,
    sign,
    signature_of,
    version_numbered,
    wording_of,
)
from covenant_portal.demo.homes import organisation_admin
from covenant_portal.filters import LONDON
from covenant_portal.demo.providers import DOMAIN, PROVIDERS
from covenant_portal.demo.timeline import Demo, at_london
from covenant_portal.signing.portal_key import portal_key
from covenant_portal.signing.service import date_key_from

STRAY = "upcoming referrals a to see"
FIXED = "upcoming referrals to see"
VERSION_2_QUARTER = 10  # the quarter (of the thirteen owed) in which version 2 was published


def signatories():
    return [provider for provider in PROVIDERS if provider.signs]


def first_signing(demo: Demo, number: int):
    """When the number-th signatory signed version 1."""
    return at_london(demo.calendar.first_signing_day + timedelta(days=3 * number), 10)


def version_2_published_at(demo: Demo):
    return at_london(demo.calendar.quarters[VERSION_2_QUARTER].starts_on + timedelta(days=27), 10)


def plan_covenant(demo: Demo) -> None:
    """The covenant area's demo step."""
    if not demo.builds_history:
        return
    # The first thing the demo's history does: the portal key, published as the portal started today,
    # dated from the demo's start, before it signs a record dated years ago.
    demo.at(demo.calendar.start, lambda: date_key_from(demo.session, portal_key(), demo.calendar.start, demo.now))
    for number, provider in enumerate(signatories()):
        demo.at(
            first_signing(demo, number),
            lambda provider=provider, number=number: _sign(demo, provider.slug, 1, first_signing(demo, number)),
        )
    published_at = version_2_published_at(demo)
    demo.at(published_at - timedelta(days=7), lambda: _draft_version_2(demo, published_at - timedelta(days=7)))
    demo.at(published_at, lambda: _publish_version_2(demo, published_at))
    for provider in signatories():
        if provider.resigns_after is not None:
            when = at_london(published_at.date() + timedelta(days=provider.resigns_after), 14)
            if when <= demo.now:
                demo.at(when, lambda provider=provider, when=when: _sign(demo, provider.slug, 2, when))
    _plan_resigning_chase(demo, published_at)


def _plan_resigning_chase(demo: Demo, published_at) -> None:
    """The re-signing chase job, run at its scheduled time on each day one of its stages falls after version 2 was
    published: what a daily run would have sent, since on other days no stage comes due."""
    due_on = published_at.astimezone(LONDON).date() + timedelta(weeks=demo.settings.resign_grace_weeks)
    for stage in STAGES:
        day = stage_date(due_on, stage)
        if day <= demo.today:
            when = demo.job_time("chase_covenant_resigning", day)
            demo.at(when, lambda when=when: _chase_resigning(demo, when))


def _chase_resigning(demo: Demo, when) -> None:
    version = current_version(demo.session)
    if version is None or version.number != 2:
        return  # not the demo's version 2: nothing of the demo's to chase
    demo.run_job(
        "chase_covenant_resigning",
        when,
        lambda as_of: chase_resigning(demo.session, demo.settings.links, demo.settings.resign_grace_weeks, as_of),
    )


def _sign(demo: Demo, slug: str, number: int, when) -> None:
    session = demo.session
    version = current_version(session)
    admin = organisation_admin(demo, slug)
    if version is None or version.number != number or signature_of(session, admin.organisation_id, version):
        return
    signing = Signing(admin.full_name, admin.job_title, version.number)
    sign(session, demo.settings.links, portal_key(), admin, signing, Actor(admin.id), when)


def version_2_wording(document: dict):
    wording = wording_of(document)
    pledges = [(la, provider.replace(STRAY, FIXED)) for la, provider in wording.pledges]
    return type(wording)(wording.title, wording.purpose, wording.aims_preamble, wording.aims, pledges)


def _draft_version_2(demo: Demo, when) -> None:
    session = demo.session
    if version_numbered(session, 2) is not None:
        return
    version_1 = version_numbered(session, 1)
    if STRAY not in version_1.document["pledges"][1]["provider_pledge"]:
        return
    admin = demo.user(f"admin@{DOMAIN}")
    draft_version(session, version_2_wording(version_1.document), admin, Actor(admin.id), when)


def _publish_version_2(demo: Demo, when) -> None:
    session = demo.session
    version = version_numbered(session, 2)
    if version is None or version.status == CovenantStatus.PUBLISHED:
        return
    if FIXED not in version.document["pledges"][1]["provider_pledge"]:
        return  # someone else's draft: not the demo's to publish
    admin = demo.user(f"admin@{DOMAIN}")
    publish_version(session, demo.settings.links, version, Actor(admin.id), when)
