"""Publishing events to an AMQP exchange (RabbitMQ) with kombu, for ``event.subscription`` of kind ``amqp``.

Each event is one persistent message on a durable topic exchange, routed by
the event's name (``customer.created``): consumers bind their queues with
patterns such as ``customer.*``. The body and the ``X-ERP-*`` headers are those
of a webhook (signature included), and the message id is the event id.
Publisher confirms make the broker acknowledge the message before the delivery
counts as done; an exchange nobody has bound a queue to drops it, so bind
before subscribing.
"""

from __future__ import annotations

from typing import Any

AMQP_SCHEMES = ("amqp", "amqps")


def publish(url: str, exchange: str, routing_key: str, body: bytes, headers: dict[str, str], message_id: str,
            timeout: float) -> None:
    """Publish one message and wait for the broker's confirmation; raises on any failure."""
    import kombu  # here: only an AMQP subscription needs it (it comes with Celery)

    target = kombu.Exchange(exchange, type="topic", durable=True)
    options: dict[str, Any] = {"confirm_publish": True}
    with kombu.Connection(url, connect_timeout=timeout, transport_options=options) as connection:
        connection.ensure_connection(max_retries=0, timeout=timeout)
        producer = connection.Producer()
        producer.publish(body, exchange=target, routing_key=routing_key, declare=[target], retry=False,
                         content_type="application/json", content_encoding="utf-8", headers=headers,
                         message_id=message_id, delivery_mode=2, timeout=timeout,
                         confirm_timeout=timeout)
