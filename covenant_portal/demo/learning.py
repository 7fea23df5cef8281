"""The demo's learning library (issue 13, points 8 and 10), made through the library's services
on the demo's timeline: the learning of the Bolton referral concern published with both parties'
agreement (their names shown), the learning of the Beacon family-time concern published
anonymised (Beacon agreed, Wigan has not), good practice tied to no concern, and a second piece
of good practice still a draft; and the Bolton concern's learning action marked done by Bolton.

Made only with the demo's history, after the concerns it comes from are closed."""

from datetime import timedelta

from covenant_portal.concerns import actions
from covenant_portal.concerns.learning import service
from covenant_portal.concerns.learning.models import SummaryKind, Theme
from covenant_portal.concerns.learning.service import SummaryText
from covenant_portal.concerns.models import Category
from covenant_portal.demo.providers import DOMAIN
from covenant_portal.demo.timeline import Demo, at_london

OFFICER = f"escalation@{DOMAIN}"
BOLTON = SummaryText(
    "Health assessments travel with the referral",
    "A referral for a placement in a children's home left out the young person's initial health assessment. "
    "The home asked for it twice before it arrived, a week after the move.",
    "A referral is not complete without the health assessment, and the placing social worker is the one "
    "to check it before it is sent.",
    "The local authority added the health assessment to its referral checklist, and the home now asks for "
    "anything missing on the day the referral arrives.",
    [Theme.REFERRAL_INFORMATION, Theme.HEALTH, Theme.COMMUNICATION_BETWEEN_AGENCIES],
)
BEACON = SummaryText(
    "Passing on changes to family time the same day",
    "A local authority changed a young person's family time arrangements, and the change reached the "
    "provider a week later, after a visit had gone ahead on the old plan.",
    "Changes to family time matter to the young person at once: the home needs them the same day, "
    "not with the next round of paperwork.",
    "The provider now has one inbox for changes to care plans, checked twice a day, and the local "
    "authority's social workers phone the home as well as emailing.",
    [Theme.COMMUNICATION_BETWEEN_AGENCIES, Theme.TRANSITIONS],
)
GOOD_PRACTICE = SummaryText(
    "Welcome visits before a move",
    "A provider invites each young person, with their social worker, to visit the home and meet their "
    "key worker before they move in, and keeps their room as they asked for it.",
    "Young people who visited first settled faster, and fewer placements ended in their first month.",
    "Two other providers have started offering welcome visits.",
    [Theme.GOOD_PRACTICE, Theme.TRANSITIONS, Theme.VOICE_OF_THE_CHILD],
)

SCHOOL_PLACE = SummaryText(
    "A school place agreed before the move",
    "A local authority and a provider agreed a young person's school place, and the transport to it, "
    "before the young person moved, so no school day was missed.",
    "Agreeing education first kept the young person's routine, and their exams, on track.",
    "The local authority's placement team now asks the virtual school at the same time as the provider.",
    [Theme.GOOD_PRACTICE, Theme.EDUCATION, Theme.TRANSITIONS],
)


def plan_learning(demo: Demo, concerns: dict) -> None:
    """Schedules the library's demo records; `concerns` holds each keyed concern plan's state."""
    today = demo.today

    def when(days_ago: int, hour: int):
        return demo.clock(at_london(today - timedelta(days=days_ago), hour))

    def user(name: str):
        found = demo.user(OFFICER if name == "officer" else f"{name}@{DOMAIN}")
        assert found is not None, name
        return found

    made: dict = {}

    def draft(name: str, key: str, text: SummaryText, days_ago: int):
        def act():
            made[name] = service.draft_from_concern(
                demo.session, user("officer"), concerns[key]["concern"], SummaryKind.LEARNING, text, when(days_ago, 11)
            )

        demo.at(when(days_ago, 11), act)

    def then(days_ago: int, hour: int, step):
        demo.at(when(days_ago, hour), lambda: step(when(days_ago, hour)))

    draft("bolton", "bolton-referral", BOLTON, 42)
    then(41, 10, lambda now: service.agree(demo.session, user("bolton.contact"), made["bolton"], now))
    then(40, 10, lambda now: service.agree(demo.session, user("brightwater.admin"), made["bolton"], now))
    then(39, 12, lambda now: service.publish(demo.session, user("officer"), made["bolton"], now))
    draft("beacon", "beacon-family-time", BEACON, 62)
    then(61, 10, lambda now: service.agree(demo.session, user("beacon.admin"), made["beacon"], now))
    then(60, 12, lambda now: service.publish(demo.session, user("officer"), made["beacon"], now))

    def good_practice(now):
        made["practice"] = service.draft_good_practice(
            demo.session, user("officer"), Category.QUALITY_OF_CARE, GOOD_PRACTICE, now
        )
        service.publish(demo.session, user("officer"), made["practice"], now)

    then(30, 15, good_practice)
    # Drafted this week and not yet published: the officer's dashboard asks for it.
    then(
        2,
        16,
        lambda now: service.draft_good_practice(demo.session, user("officer"), Category.EDUCATION, SCHOOL_PLACE, now),
    )

    def action_done(now):
        concern = concerns["bolton-referral"]["concern"]
        note = "The health assessment is on the referral checklist."
        actions.mark_done(demo.session, concern, concern.actions[0], user("bolton.contact"), note, now)

    then(20, 9, action_done)
