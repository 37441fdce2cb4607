"""`make serve` without nginx: slow clients and a held write lock leave readers served.

Two processes: gunicorn started with exactly `make serve`'s command line (from `make
serve-command`) on a migrated SQLite database, and this test holding that database's
write lock or playing slow clients.
"""

import http.client
import os
import shlex
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]


def get(port: int, path: str = "/healthz", timeout: float = 30) -> tuple[int, float]:
    started = time.monotonic()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.status, time.monotonic() - started
    finally:
        connection.close()


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """(port, database path) of `make serve`'s gunicorn on a fresh SQLite database."""
    var = tmp_path_factory.mktemp("serve")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "TASKS_BACKEND"}
    } | {
        "NEWSROOM_VAR_DIR": str(var),
        "DJANGO_DEBUG": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "GUNICORN_CLIENT_TIMEOUT": "2",
        "LOG_LEVEL": "WARNING",
    }
    for step in (["migrate"], ["collectstatic"]):
        subprocess.run(
            [sys.executable, "manage.py", *step, "--noinput", "-v0"],
            cwd=BASE_DIR,
            env=env,
            check=True,
            timeout=300,
        )
    command = subprocess.run(
        ["make", "-s", "--no-print-directory", "serve-command", f"PORT={port}"],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    argv = shlex.split(command) + ["--access-logfile", "/dev/null"]
    argv[0] = str(Path(sys.executable).parent / "gunicorn")
    server = subprocess.Popen(argv, cwd=BASE_DIR, env=env)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                get(port, timeout=5)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        yield port, var / "newsroom.sqlite3"
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_reads_do_not_queue_behind_posts_waiting_for_a_held_write_lock(served):
    port, database = served
    holder = sqlite3.connect(database, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    writers = []
    try:
        # A POST (an editor logging in or saving) runs in one transaction, which on
        # SQLite starts by taking the write lock: these wait for it (20 s at most).
        for _ in range(4):
            thread = threading.Thread(target=post_and_wait, args=(port,), daemon=True)
            thread.start()
            writers.append(thread)
        time.sleep(1)
        status, seconds = get(port)
        assert status == 200
        assert seconds < 2, f"a read waited {seconds:.1f} s behind the writers"
        assert any(thread.is_alive() for thread in writers)  # still waiting
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    for thread in writers:
        thread.join(timeout=30)


def post_and_wait(port: int) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=40)
    try:
        connection.request("POST", "/admin/login/", body=b"username=a&password=b")
        connection.getresponse().read()
    except OSError:
        pass
    finally:
        connection.close()


def test_slow_clients_do_not_freeze_the_server_and_are_cut_off(served):
    port, _ = served
    slow = []
    for _ in range(3):
        sock = socket.create_connection(("127.0.0.1", port))
        sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # and never finishes
        slow.append(sock)
    try:
        time.sleep(0.5)
        status, seconds = get(port)
        assert status == 200 and seconds < 2
        # GUNICORN_CLIENT_TIMEOUT=2: the server hangs up on them.
        slow[0].settimeout(10)
        started = time.monotonic()
        assert slow[0].recv(1024) == b""
        assert time.monotonic() - started < 5
    finally:
        for sock in slow:
            sock.close()
