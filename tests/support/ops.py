"""Local stand-ins for the production engines, for the operations tests.

Everything listens on 127.0.0.1 only, on a free port, and stops at the end.
"""

import contextlib
import json
import logging
import shutil
import socket
import subprocess
import threading
import time
import urllib.request

BUCKET = "newsroom-media"
S3_KEYS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
PUBLIC_READ = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": "*",
            "Action": "s3:GetObject",
            "Resource": f"arn:aws:s3:::{BUCKET}/*",
        }
    ],
}


def free_port() -> int:
    """A loopback port nothing listens on (right now)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with (
            contextlib.suppress(OSError),
            socket.create_connection(("127.0.0.1", port), timeout=0.2),
        ):
            return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {timeout}s")


@contextlib.contextmanager
def moto_s3():
    """A moto S3 server on 127.0.0.1 with an empty bucket; yields its endpoint URL."""
    import boto3
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per S3 call
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    try:
        client = boto3.client(
            "s3",
            endpoint_url=endpoint,
            region_name="us-east-1",
            aws_access_key_id=S3_KEYS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=S3_KEYS["AWS_SECRET_ACCESS_KEY"],
        )
        # moto keeps buckets per process: start every server from a clean slate.
        urllib.request.urlopen(  # noqa: S310 - loopback
            urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST"),
            timeout=5,
        ).close()
        client.create_bucket(Bucket=BUCKET)
        # Images are public, as in production (see docs/production.md).
        client.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps(PUBLIC_READ))
        yield endpoint
    finally:
        server.stop()


def s3_storages(base_storages: dict, endpoint: str) -> dict:
    """settings.STORAGES with media on the S3 server at `endpoint`."""
    from botocore.config import Config

    return {
        **base_storages,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": endpoint,
                "region_name": "us-east-1",
                "access_key": S3_KEYS["AWS_ACCESS_KEY_ID"],
                "secret_key": S3_KEYS["AWS_SECRET_ACCESS_KEY"],
                "querystring_auth": False,
                "file_overwrite": False,
                "client_config": Config(
                    s3={"addressing_style": "path"},
                    signature_version="s3v4",
                    connect_timeout=1,
                    read_timeout=2,
                    retries={"max_attempts": 1, "mode": "standard"},
                ),
            },
        },
    }


def redis_server_available() -> bool:
    return shutil.which("redis-server") is not None


@contextlib.contextmanager
def redis_server(port: int, *options: str):
    """A throw-away redis-server on 127.0.0.1:port (no disk persistence); `options`
    are more command-line settings ("--maxmemory", "4mb")."""
    process = subprocess.Popen(
        [
            "redis-server",
            "--bind",
            "127.0.0.1",
            "--port",
            str(port),
            "--save",
            "",
            "--appendonly",
            "no",
            *options,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port)
        yield process
    finally:
        process.terminate()
        process.wait(timeout=10)


class TcpProxy:
    """A loopback TCP proxy that can cut the line and restore it (a partition).

    The server behind it keeps running, and keeps its data, while cut.
    """

    def __init__(self, target_port: int):
        self.target_port = target_port
        self.port = free_port()
        self._listener = None
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()

    def start(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(16)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self) -> None:
        """Refuse new connections and drop the open ones."""
        with self._lock:
            if self._listener is not None:
                # shutdown() wakes the thread blocked in accept(); close() alone won't.
                with contextlib.suppress(OSError):
                    self._listener.shutdown(socket.SHUT_RDWR)
                self._listener.close()
                self._listener = None
            for sock in self._sockets:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            self._sockets.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(
                    ("127.0.0.1", self.target_port), timeout=2
                )
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            with self._lock:
                self._sockets += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(
                    target=self._pump, args=(source, sink), daemon=True
                ).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            with contextlib.suppress(OSError):
                sink.shutdown(socket.SHUT_WR)
