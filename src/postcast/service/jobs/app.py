"""The Celery application: broker, queues, routes and the delivery guarantees.

Every task is acknowledged only when it ends (`task_acks_late`), and one whose worker
died is put back on its queue (`task_reject_on_worker_lost`; on Redis, a task left
unacknowledged for `[service] visibility_timeout` goes back too): so a task may run
twice, and every task is written to be safe when it does. Tasks are sent by name, with
JSON arguments (GUIDs and names, never pickles).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from celery import Celery

from postcast.config import Config, ServiceConfig

if TYPE_CHECKING:
    from postcast.service.jobs.state import WorkerState

FETCH = "postcast.fetch"
RENDER = "postcast.render"
SYNTHESIZE = "postcast.synthesize"
PUBLISH = "postcast.publish"
# A GPU worker may take `speech` alone (`postcast worker --queues speech`).
QUEUE_OF = {FETCH: "fetch", RENDER: "speech", SYNTHESIZE: "speech", PUBLISH: "publish"}
QUEUES = ("fetch", "speech", "publish")


class PostcastCelery(Celery):
    """A Celery app that carries the configuration its tasks run with."""

    postcast_config: Config
    worker_state: WorkerState | None = None  # a worker's: its library and loaded voices

    @property
    def service(self) -> ServiceConfig:
        return self.postcast_config.service or ServiceConfig()


def _transport_options(service: ServiceConfig) -> dict[str, float]:
    """Redis: how long a task may stay unacknowledged, and how often a worker looks for
    such tasks to put back (every few seconds, each look one query; kombu's default,
    once in 100 seconds, would leave a dead worker's task waiting that long). The look
    is under a mutex that a worker killed while holding it keeps for its expiry: 10 s
    (a look takes milliseconds), not kombu's 5 minutes.

    A task Redis handed to a worker that died before recording it unacknowledged is
    lost (kombu's Redis transport has that window); the scheduler's next fetch sends
    every render still needed again, so nothing stays undone."""
    timeout = service.visibility_timeout
    return {
        "visibility_timeout": timeout,
        "unacked_restore_interval": max(1.0, min(10.0, timeout / 4)),
        "unacked_restore_throttle": 1,
        "unacked_mutex_expire": 10,
    }


def make_app(config: Config) -> PostcastCelery:
    """The app for `config`'s `[service]` (defaults when the section is absent), as a
    client: it sends tasks by name. A worker's app also has the tasks
    (`postcast.service.jobs.tasks.worker_app`)."""
    from postcast.service.jobs.observing import connect_signals

    connect_signals()  # every sent task stamped with its send time, for queue latency
    service = config.service or ServiceConfig()
    app = PostcastCelery(
        "postcast",
        broker=service.broker_url,
        backend=service.result_backend or None,
        set_as_current=False,
    )
    app.postcast_config = config
    app.conf.update(
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,  # a long render does not hold other tasks back
        task_routes={name: {"queue": queue} for name, queue in QUEUE_OF.items()},
        task_default_queue="fetch",
        task_ignore_result=not service.result_backend,
        broker_transport_options=_transport_options(service),
        broker_connection_retry_on_startup=True,
        worker_hijack_root_logger=False,
        worker_redirect_stdouts=False,
    )
    return app
