"""Background jobs of core (huey): the worker's heartbeat, which the health check reads."""

from __future__ import annotations

import time

from huey import crontab
from huey.contrib.djhuey import HUEY, periodic_task

HEARTBEAT_KEY = "zhaoshang:worker-heartbeat"


@periodic_task(crontab(minute="*"))
def worker_heartbeat() -> None:
    """Every minute the worker's scheduler runs this: the time it last did is the worker alive."""
    HUEY.put(HEARTBEAT_KEY, time.time())
