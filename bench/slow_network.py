"""A slow mobile network in front of a local server: a TCP proxy that delays and paces.

Chromium's own network emulation (DevTools' `Network.emulateNetworkConditions`) slows the
page it is set on, not the page's service worker: what the worker fetches for the page
goes at loopback speed, so a repeat visit served through the worker looked faster than the
network allows. Every byte through this proxy, whoever asked for it, takes the network's
time instead:

- each direction is delayed by half the round trip (a request's bytes arrive `latency/2`
  after they were sent, its answer's likewise);
- each direction of a connection is paced to its bandwidth (down for the server's answers,
  up for the browser's requests), as a phone's radio link is.

The proxy runs in a thread of its own, with its own event loop.
"""

import asyncio
import threading
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class Link:
    round_trip_s: float
    down_bytes_s: float
    up_bytes_s: float


CHUNK = 16 * 1024


class SlowNetwork:
    """`with SlowNetwork(link, upstream_port) as proxy:` the server, slowed, at
    `127.0.0.1:proxy.port`."""

    def __init__(self, link: Link, upstream_port: int) -> None:
        self.link = link
        self.upstream_port = upstream_port
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._server: asyncio.base_events.Server | None = None
        # asyncio keeps only weak references to tasks: a connection's task must be held
        # until it is done, or a closed transport lets it be collected half-way.
        self._connections: set[asyncio.Task[None]] = set()

    def __enter__(self) -> "SlowNetwork":
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("the slow network did not start")
        return self

    def __exit__(self, *exc: object) -> None:
        asyncio.run_coroutine_threadsafe(self._shutdown(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    async def _shutdown(self) -> None:
        if self._server is not None:
            self._server.close()
        current = asyncio.current_task()
        tasks = [task for task in asyncio.all_tasks() if task is not current]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._server = self._loop.run_until_complete(
            asyncio.start_server(self._connection, "127.0.0.1", 0)
        )
        self.port = self._server.sockets[0].getsockname()[1]
        self._ready.set()
        self._loop.run_forever()
        self._loop.close()

    async def _connection(
        self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter
    ) -> None:
        # The server is reached once the request's first bytes have crossed the slow link,
        # as a buffering proxy in front of gunicorn does in production: its sync workers
        # then never wait on a slow phone.
        task = asyncio.current_task()
        if task is not None:
            self._connections.add(task)
            task.add_done_callback(self._connections.discard)
        half = self.link.round_trip_s / 2
        up = _Delayed(half, self.link.up_bytes_s)
        down = _Delayed(half, self.link.down_bytes_s)
        sending = asyncio.ensure_future(up.read_from(client_r))
        try:
            first = await up.next()
            if not first:
                return
            try:
                server_r, server_w = await asyncio.open_connection("127.0.0.1", self.upstream_port)
            except OSError:
                return
            server_w.write(first)
            answering = asyncio.ensure_future(down.read_from(server_r))
            await asyncio.gather(
                up.write_to(server_w), down.write_to(client_w), return_exceptions=True
            )
            answering.cancel()
        except asyncio.CancelledError:
            pass  # the network is shutting down: the browser is gone
        finally:
            sending.cancel()
            client_w.close()


class _Delayed:
    """One direction of the link: bytes read from one end go on the wire no faster than
    `rate` and arrive `delay_s` later at the other."""

    def __init__(self, delay_s: float, rate: float) -> None:
        self.delay_s = delay_s
        self.rate = rate
        self.queue: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue()

    async def read_from(self, reader: asyncio.StreamReader) -> None:
        link_free_at = time.monotonic()
        try:
            while data := await reader.read(CHUNK):
                # On the wire after what is still being sent, at the link's speed.
                link_free_at = max(link_free_at, time.monotonic()) + len(data) / self.rate
                await self.queue.put((link_free_at + self.delay_s, data))
        finally:
            await self.queue.put((time.monotonic() + self.delay_s, b""))

    async def next(self) -> bytes:
        arrival, data = await self.queue.get()
        wait = arrival - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)
        return data

    async def write_to(self, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await self.next():
                writer.write(data)
                await writer.drain()
            if writer.can_write_eof():
                writer.write_eof()
        finally:
            if writer.can_write_eof() is False:
                writer.close()
