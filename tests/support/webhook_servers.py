"""Webhook receivers on 127.0.0.1 for the delivery tests: one that records what it
is sent and answers as told (200, 500, a redirect...), and a socket guard that
fails a test on any outbound connection."""

import socket
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Receiver:
    """Records every POST (path, headers, body) and answers `status` with
    `headers`. Use as a context manager; `url` is its address."""

    def __init__(self, status: int = 204, headers: dict | None = None):
        self.status, self.headers = status, headers or {}
        self.received: list[tuple[str, dict, bytes]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                body = self.rfile.read(length)
                receiver.received.append((self.path, dict(self.headers), body))
                self.send_response(receiver.status)
                for name, value in receiver.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook?src=news"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@contextmanager
def no_outbound_connections():
    """Any connection or DNS lookup inside the block is recorded and refused."""
    attempts = []
    real_connect = socket.socket.connect

    def connect(sock, address):
        if sock.family in (socket.AF_INET, socket.AF_INET6):
            attempts.append(address)
            raise AssertionError(f"outbound connection to {address}")
        return real_connect(sock, address)

    def getaddrinfo(host, *args, **kwargs):
        attempts.append(host)
        raise AssertionError(f"DNS lookup of {host}")

    real_getaddrinfo = socket.getaddrinfo
    socket.socket.connect = connect
    socket.getaddrinfo = getaddrinfo
    try:
        yield attempts
    finally:
        socket.socket.connect = real_connect
        socket.getaddrinfo = real_getaddrinfo
