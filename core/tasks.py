"""Background jobs of the core app. The job lives beside the service it runs
(core.services.delivery_send_task), so the two never import each other; this name is kept
for jobs queued under it before."""

from core.services import delivery_send_task

__all__ = ["delivery_send_task"]
