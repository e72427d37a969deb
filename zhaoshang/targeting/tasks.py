"""Background jobs of targeting (huey; immediate in tests): the feature store and the encoder."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

logger = logging.getLogger(__name__)


@db_task()
@lock_task("targeting-feature-store")
def feature_store_rebuild() -> dict:
    """Rebuild the columnar feature store from the database (one at a time)."""
    from .scoring import store

    built = store.rebuild()
    logger.info("targeting feature store rebuilt: %s", built.meta)
    return built.meta


@db_periodic_task(crontab(hour="2", minute="30"))
def feature_store_nightly() -> None:
    """Signals decay with age: the store is rebuilt every night, as of the new day."""
    feature_store_rebuild()


@db_periodic_task(crontab(hour="2", minute="0"))
def placement_nightly() -> dict:
    """Place the enterprises that have no placement yet (new or imported since yesterday)."""
    from zhaoshang.enterprises.models import Enterprise

    from .placement.services import placement_run

    pending = Enterprise.objects.filter(placements__isnull=True)
    return placement_run(enterprises=pending, actor=None, semantic_mode="defer").summary()


@db_task()
def placement_refine_task(enterprise_ids: list[int]) -> int:
    """Refine uncertain automatic placements with the encoder (stored vectors reused)."""
    from .placement.services import placement_refine

    return placement_refine(enterprise_ids=enterprise_ids).refined
