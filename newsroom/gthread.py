"""gunicorn's threaded worker, with a deadline for every client (`make serve`).

gthread keeps idle keep-alive connections off its threads, but once a client has sent
a first byte a thread reads the request from a blocking socket: a client that sends
(or reads) one byte a minute holds that thread for ever, and a handful of them freeze
a server that has no nginx in front. Here every read and write of a request's socket
gives up after GUNICORN_CLIENT_TIMEOUT seconds (nginx's client_header_timeout and
send_timeout do the same in production). Waiting for the database or a view's work
is not socket time and is not cut short.
"""

import os

from gunicorn.workers.gthread import ThreadWorker

CLIENT_TIMEOUT = float(os.environ.get("GUNICORN_CLIENT_TIMEOUT", 15))


class DeadlineThreadWorker(ThreadWorker):
    def handle(self, conn):
        # Blocking with a deadline; gunicorn makes the socket non-blocking again when
        # it parks a keep-alive connection.
        conn.sock.settimeout(CLIENT_TIMEOUT)
        return super().handle(conn)
