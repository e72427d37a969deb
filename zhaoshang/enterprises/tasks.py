"""Background jobs of the enterprise library (huey; immediate in tests)."""

from __future__ import annotations

import logging

from huey.contrib.djhuey import db_task

logger = logging.getLogger(__name__)


@db_task()
def import_job_task(job_id: int) -> None:
    """Validate (and, unless a dry run, write) a large import; progress goes to the job row."""
    from .importing.service import import_job_run
    from .models import ImportJob

    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    try:
        import_job_run(job=job)
    except Exception:  # the job row already says "failed" with the message
        logger.exception("enterprise import job %s failed", job_id)
