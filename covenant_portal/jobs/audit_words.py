"""What the jobs kernel's audit events and records are called in the audit trail."""

from covenant_portal.audit.vocabulary import AuditVocabulary, describe_records
from covenant_portal.jobs.models import JobRun

JOBS_AUDIT_VOCABULARY = AuditVocabulary(
    actions={
        "job_run.retried": "Ran a scheduled job again after it failed",
        "job_run.taken_over": "Took over a scheduled job left running by a stopped process",
    },
    objects={"JobRun": describe_records(JobRun, lambda run: f"Job run: {run.job_name}, slot {run.slot}")},
)
