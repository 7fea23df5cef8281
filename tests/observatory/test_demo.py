"""The demo shows the observatory at work: trends over twelve quarters, a provider badged "GM First
partner", one below the dialogue threshold, and a variance alert sent."""

import pytest
import sqlalchemy as sa

from covenant_portal.jobs.models import JobRun, JobRunStatus
from covenant_portal.mail.models import OutboxMessage
from covenant_portal.observatory.service import for_dialogue, partners, work_out
from covenant_portal.observatory.settings import ObservatorySettings
from covenant_portal.filters import london_day
from tests.demo.test_history import organisations
from tests.factories import local_authority
from tests.seeded_demo import LONG_PAST_DUE

pytestmark = pytest.mark.seeded_demo

SETTINGS = ObservatorySettings(cache_seconds=0)


def test_the_demo_shows_trends_a_partner_a_dialogue_and_an_alert(db_session):
    found = work_out(db_session, SETTINGS, london_day(LONG_PAST_DUE))
    by_slug = organisations(db_session)
    assert len(found.quarters) == 12
    assert sum(1 for each in found.gm_series() if each is not None) == 12  # a trend, every quarter
    badged = partners(found, SETTINGS)
    assert by_slug["kestrel"].id in badged and by_slug["medlock"].id not in badged
    trafford = local_authority(db_session, "Trafford").id
    assert by_slug["medlock"].id in [
        organisation_id for organisation_id, _share in for_dialogue(found, SETTINGS, trafford)
    ]
    alerts = list(
        db_session.scalars(sa.select(OutboxMessage).where(OutboxMessage.dedupe_key.like("observatory-variance:%")))
    )
    assert alerts and all("Medlock" in message.subject for message in alerts)
    # Each morning after a deadline the demo ran the job, recorded as the admin's job runs page shows it.
    runs = db_session.scalars(sa.select(JobRun).where(JobRun.job_name == "observatory_variance_alerts")).all()
    assert len(runs) >= 10 and {run.status for run in runs} == {JobRunStatus.SUCCEEDED}
    sent = {message.created_at for message in alerts}
    assert sent <= {run.started_at for run in runs}
