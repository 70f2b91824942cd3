"""The phone benchmark's slow network: every byte through it takes at least the network's
time (half the round trip each way, and the link's speed), whoever asked for it."""

import socket
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

from slow_network import Link, SlowNetwork  # noqa: E402


def echo_server(accepted: list[float] | None = None) -> tuple[socket.socket, int]:
    """A server that answers each connection with what it was sent ten times, then closes;
    when each connection was accepted goes to `accepted`."""
    listener = socket.create_server(("127.0.0.1", 0))

    def serve() -> None:
        while True:
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            if accepted is not None:
                accepted.append(time.monotonic())
            with connection:
                data = connection.recv(65536)
                connection.sendall(data * 10)

    threading.Thread(target=serve, daemon=True).start()
    return listener, listener.getsockname()[1]


def exchange(port: int, payload: bytes) -> tuple[bytes, float]:
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port)) as client:
        client.sendall(payload)
        client.shutdown(socket.SHUT_WR)
        answer = b""
        while chunk := client.recv(65536):
            answer += chunk
    return answer, time.monotonic() - started


def test_a_request_and_its_answer_take_the_round_trip_and_the_links_speed():
    listener, port = echo_server()
    link = Link(round_trip_s=0.2, down_bytes_s=50_000, up_bytes_s=20_000)
    try:
        with SlowNetwork(link, port) as network:
            payload = b"x" * 2_000  # 0.1 s up at 20 kB/s; its answer 20 kB: 0.4 s down
            answer, took = exchange(network.port, payload)
    finally:
        listener.close()
    assert answer == payload * 10  # every byte arrives, in order
    assert took >= 0.2 + 0.1 + 0.4 - 0.01


def test_the_server_is_reached_only_once_the_request_has_crossed_the_link():
    # As behind a buffering proxy in production: gunicorn's sync workers never wait on a
    # slow phone's request.
    accepted: list[float] = []
    listener, port = echo_server(accepted)
    link = Link(round_trip_s=0.3, down_bytes_s=1e9, up_bytes_s=1e9)
    try:
        with (
            SlowNetwork(link, port) as network,
            socket.create_connection(("127.0.0.1", network.port)) as client,
        ):
            time.sleep(0.1)  # connected, nothing sent yet: the server has seen nothing
            assert accepted == []
            sent = time.monotonic()
            client.sendall(b"ping")
            client.shutdown(socket.SHUT_WR)
            answer = client.recv(65536)
    finally:
        listener.close()
    assert answer.startswith(b"ping")
    assert accepted[0] - sent >= 0.15 - 0.01  # half the round trip after it was sent
