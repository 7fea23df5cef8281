"""The mail log page and the job that sends the outbox."""

from covenant_portal.jobs.registry import EveryMinute, Job
from covenant_portal.mail.audit_words import MAIL_AUDIT_VOCABULARY
from covenant_portal.mail.jobs import send_outbox
from covenant_portal.mail.routes import blueprint
from covenant_portal.web.areas import Area

SEND_OUTBOX = Job(
    name="send_outbox",
    function=send_outbox,
    trigger=EveryMinute(),
    description="Sends the emails due in the outbox, retrying failures with backoff.",
)

AREA = Area("mail", blueprints=(blueprint,), jobs=(SEND_OUTBOX,), audit_vocabulary=MAIL_AUDIT_VOCABULARY)
