"""The job runs page and the `jobs` and `scheduler` commands."""

from covenant_portal.jobs.audit_words import JOBS_AUDIT_VOCABULARY
from covenant_portal.jobs.cli import jobs_cli, scheduler_command
from covenant_portal.jobs.routes import blueprint
from covenant_portal.web.areas import Area

AREA = Area(
    "jobs", blueprints=(blueprint,), commands=(jobs_cli, scheduler_command), audit_vocabulary=JOBS_AUDIT_VOCABULARY
)
