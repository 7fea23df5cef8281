"""The demo's conversations (issue 14, point 3), made through the conversations service: Bolton
asked Pennine about its GM share and is waiting for Pennine's answer; Brightwater has answered
Manchester and is waiting for Manchester. So both dashboards have a conversation awaiting a reply."""

from datetime import timedelta

from sqlalchemy import select

from covenant_portal.audit.service import Actor
from covenant_portal.conversations.models import Conversation
from covenant_portal.conversations.service import Opening, reply, start_conversation
from covenant_portal.demo.providers import DOMAIN, PROVIDERS_BY_SLUG
from covenant_portal.demo.timeline import Demo

# LA slug, provider slug, topic, subject, then the messages in turn (LA first), days before now.
CONVERSATIONS = (
    (
        "bolton",
        "pennine",
        "GM share below the dialogue threshold",
        "Places for Greater Manchester children",
        (
            (
                20,
                (
                    "Your returns show fewer than half of your places are used by Greater Manchester children. "
                    "Could we talk about how we can place more local children with you?"
                ),
            ),
            (
                17,
                (
                    "Thank you. Most of our carers are on the Lancashire border, so referrals come from there. "
                    "We are recruiting in Bolton and would welcome your referrals."
                ),
            ),
            (
                9,
                (
                    "That is good to hear. Could you send us the areas where you are recruiting, so our "
                    "placements team can plan?"
                ),
            ),
        ),
    ),
    (
        "manchester",
        "brightwater",
        "Vacancies and referrals",
        "Referrals for the new year",
        (
            (12, "We expect several referrals in January. Which of your homes will have vacancies?"),
            (
                6,
                "Oak House will have two places from January and Elm Lodge one. Grace Okafor will take your referrals.",
            ),
        ),
    ),
)


def plan_conversations(demo: Demo) -> None:
    """The conversations area's demo step."""
    for la_slug, provider_slug, topic, subject, messages in CONVERSATIONS:
        demo.at(
            demo.now - timedelta(days=messages[0][0]),
            _conversation(demo, la_slug, provider_slug, topic, subject, messages),
        )


def _conversation(demo: Demo, la_slug, provider_slug, topic, subject, messages):
    def make() -> None:
        session = demo.session
        la_contact = demo.user(f"{la_slug}.contact@{DOMAIN}")
        organisation = demo.organisation(PROVIDERS_BY_SLUG[provider_slug].name)
        provider_user = demo.user(f"{provider_slug}.admin@{DOMAIN}")
        if la_contact is None or organisation is None or provider_user is None:
            return
        already = select(Conversation.id).filter_by(
            local_authority_id=la_contact.local_authority_id, organisation_id=organisation.id, subject=subject
        )
        if session.scalar(already) is not None:
            return
        links = demo.settings.links
        (days, first), *rest = messages
        conversation = start_conversation(
            session,
            links,
            la_contact,
            organisation,
            Opening(topic, subject, first),
            Actor(la_contact.id),
            demo.clock(demo.now - timedelta(days=days)),
        )
        for number, (days, body) in enumerate(rest):
            author = provider_user if number % 2 == 0 else la_contact
            reply(
                session,
                links,
                conversation,
                author,
                body,
                Actor(author.id),
                demo.clock(demo.now - timedelta(days=days)),
            )

    return make
