"""Fan-out of live events to subscribers: in memory, or across replicas through Redis.

Every replica holds a `Fanout` of its own subscribers. Publishing goes to the
broker: the memory broker hands the event straight to the local fan-out; the
Redis broker PUBLISHes it, and each replica's listener (the publisher's too)
hands what arrives to its local fan-out, so a webhook received by one replica
reaches the subscribers of all.

Each subscriber has a bounded queue and a filter applied before anything is
queued or fetched. Offering never waits: a subscriber whose queue is full is
marked overflowed and dropped (its stream ends with an error), so one slow
client never slows the others or grows memory without bound.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import Counter
from collections.abc import AsyncGenerator, Callable
from typing import Protocol

from resolvers.errors import Provider
from resolvers.events import MemoryDeduplicator, SessionEvent, SlowSubscriberError

__all__ = [
    "Broker",
    "Fanout",
    "MemoryBroker",
    "RedisBroker",
    "SlowSubscriberError",
    "Subscriber",
    "build_broker",
]

_log = logging.getLogger(__name__)
CHANNEL = "sessiongraph:events"

# Called with the number of active subscribers whenever it changes (metrics gauge).
ActiveObserver = Callable[[int], None]


class Subscriber:
    """One subscription's bounded queue and filter."""

    def __init__(
        self, fanout: Fanout, wants: Callable[[SessionEvent], bool], providers: frozenset[Provider]
    ) -> None:
        self._fanout = fanout
        self._wants = wants
        self.providers = providers
        # None marks "dropped"; it only ever enters an emptied queue.
        self.queue: asyncio.Queue[SessionEvent | None] = asyncio.Queue(fanout.queue_size)
        self.overflowed = False

    def offer(self, event: SessionEvent) -> None:
        """Queue `event` if wanted; never waits."""
        if self.overflowed or event.provider not in self.providers or not self._wants(event):
            return
        try:
            self.queue.put_nowait(event)
        except asyncio.QueueFull:
            self.overflowed = True
            self._fanout.remove(self)
            # Free the backlog at once (the subscriber is gone either way) and
            # leave the marker that ends its stream.
            while not self.queue.empty():
                self.queue.get_nowait()
            self.queue.put_nowait(None)

    async def events(self) -> AsyncGenerator[SessionEvent, None]:
        """The events in arrival order; raises `SlowSubscriberError` once dropped."""
        try:
            while True:
                event = await self.queue.get()
                if event is None:
                    raise SlowSubscriberError
                yield event
        finally:
            self._fanout.remove(self)


class Fanout:
    """This replica's subscribers."""

    def __init__(self, queue_size: int = 1024) -> None:
        self.queue_size = queue_size
        self._subscribers: set[Subscriber] = set()
        self._observers: list[ActiveObserver] = []
        self._provider_watchers: list[Callable[[Counter[Provider]], None]] = []

    def subscribe(
        self, wants: Callable[[SessionEvent], bool], providers: frozenset[Provider]
    ) -> Subscriber:
        subscriber = Subscriber(self, wants, providers)
        self._subscribers.add(subscriber)
        self._changed()
        return subscriber

    def remove(self, subscriber: Subscriber) -> None:
        if subscriber in self._subscribers:
            self._subscribers.discard(subscriber)
            self._changed()

    def deliver(self, event: SessionEvent) -> None:
        for subscriber in list(self._subscribers):
            subscriber.offer(event)

    @property
    def active(self) -> int:
        return len(self._subscribers)

    def by_provider(self) -> Counter[Provider]:
        return Counter(p for s in self._subscribers for p in s.providers)

    def observe(self, observer: ActiveObserver) -> None:
        """Call `observer(active)` on every change (the `subscriptions_active` gauge)."""
        self._observers.append(observer)

    def watch_providers(self, watcher: Callable[[Counter[Provider]], None]) -> None:
        self._provider_watchers.append(watcher)

    def _changed(self) -> None:
        for observer in self._observers:
            observer(self.active)
        counts = self.by_provider()
        for watcher in self._provider_watchers:
            watcher(counts)


class Broker(Protocol):
    """Where receivers publish; `fanout` is this replica's subscribers."""

    fanout: Fanout

    async def publish(self, event: SessionEvent) -> None: ...

    async def first_time(self, key: str) -> bool: ...

    async def start(self) -> None: ...

    async def close(self) -> None: ...


class MemoryBroker:
    """One process: publishing is delivering."""

    def __init__(self, fanout: Fanout) -> None:
        self.fanout = fanout
        self._dedupe = MemoryDeduplicator()

    async def publish(self, event: SessionEvent) -> None:
        self.fanout.deliver(event)

    async def first_time(self, key: str) -> bool:
        return await self._dedupe.first_time(key)

    async def start(self) -> None:
        return None

    async def close(self) -> None:
        return None


class RedisBroker:
    """Replicas sharing one Redis: PUBLISH out, one listener per replica in."""

    def __init__(self, fanout: Fanout, url: str, dedupe_ttl: int = 86_400) -> None:
        import redis.asyncio as redis  # noqa: PLC0415 - only a Redis deployment loads it

        self.fanout = fanout
        self._redis = redis.Redis.from_url(url)
        self._ttl = dedupe_ttl
        self._listener: asyncio.Task[None] | None = None
        self._subscribed = asyncio.Event()

    async def publish(self, event: SessionEvent) -> None:
        await self._redis.publish(CHANNEL, event.to_json())

    async def first_time(self, key: str) -> bool:
        # SET NX: the first replica to see a delivery id wins; a retry elsewhere is dropped.
        return bool(
            await self._redis.set(f"sessiongraph:delivery:{key}", b"1", nx=True, ex=self._ttl)
        )

    async def start(self) -> None:
        self._listener = asyncio.create_task(self._listen())
        await asyncio.wait_for(self._subscribed.wait(), timeout=10)

    async def close(self) -> None:
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._listener
        await self._redis.aclose()

    async def _listen(self) -> None:
        while True:
            try:
                async with self._redis.pubsub() as pubsub:
                    await pubsub.subscribe(CHANNEL)
                    self._subscribed.set()
                    async for message in pubsub.listen():
                        self._dispatch(message)
            except asyncio.CancelledError:
                raise
            except Exception:
                _log.warning("Redis pub/sub listener lost its connection; reconnecting")
                await asyncio.sleep(1)

    def _dispatch(self, message: dict[str, object]) -> None:
        if message.get("type") != "message":
            return
        data = message.get("data")
        try:
            event = SessionEvent.from_json(data if isinstance(data, bytes | str) else b"")
        except (ValueError, KeyError, TypeError):
            _log.warning("Ignored a foreign message on the events channel")
            return
        self.fanout.deliver(event)


def build_broker(cache_url: str | None, queue_size: int) -> Broker:
    """Redis when the cache URL is Redis, else in memory."""
    fanout = Fanout(queue_size)
    if cache_url and cache_url.startswith(("redis://", "rediss://", "unix://")):
        return RedisBroker(fanout, cache_url)
    return MemoryBroker(fanout)
