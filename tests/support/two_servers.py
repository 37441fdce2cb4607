"""Helpers for the two-server test: start and stop the cluster, read HTML forms.

Everything runs on 127.0.0.1: the machine's PostgreSQL (a dedicated database,
created and dropped per run), its Redis (a per-run key prefix), a moto S3 server
in this process, and two gunicorn instances on free ports.
"""

import contextlib
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import requests

from tests.support.ops import BUCKET, S3_KEYS, free_port, wait_for_port

BASE_DIR = Path(__file__).resolve().parents[2]
PG_URL = os.environ.get("TWO_SERVERS_PG_URL", "postgres://postgres@127.0.0.1:5432")
REDIS_URL = os.environ.get("TWO_SERVERS_REDIS_URL", "redis://127.0.0.1:6379/0")
ADMIN_USER, ADMIN_PASSWORD = "desk-chief", secrets.token_urlsafe(12)
STEP_TIMEOUT = 240  # seconds, for migrate/collectstatic; the whole run is bounded too


def services_reachable() -> str | None:
    """None when PostgreSQL and Redis answer, else what is missing."""
    import psycopg
    import redis

    try:
        with psycopg.connect(
            PG_URL.replace("postgres://", "postgresql://") + "/postgres",
            connect_timeout=5,
        ) as conn:
            conn.execute("select 1")
    except Exception as exc:
        return f"PostgreSQL at {PG_URL} is unreachable ({type(exc).__name__})"
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=5).ping()
    except Exception as exc:
        return f"Redis at {REDIS_URL} is unreachable ({type(exc).__name__})"
    return None


@contextlib.contextmanager
def dedicated_database():
    import psycopg

    name = f"newsroom_twoservers_{os.getpid()}_{secrets.token_hex(3)}"
    admin_url = PG_URL.replace("postgres://", "postgresql://") + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{PG_URL}/{name}"
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass
class Server:
    name: str
    port: int
    var_dir: Path
    log: Path
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@dataclass
class Cluster:
    servers: list[Server]
    database_url: str
    s3_endpoint: str
    env: dict = field(default_factory=dict)

    def manage(self, *args: str, server: Server | None = None) -> str:
        env = self.env_for(server or self.servers[0])
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=STEP_TIMEOUT,
        )
        if result.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stderr}")
        return result.stdout

    def env_for(self, server: Server) -> dict:
        return self.env | {
            "NEWSROOM_VAR_DIR": str(server.var_dir),
            "SITE_URL": server.url,
        }

    def sql(self, query: str, params=()) -> list[tuple]:
        import psycopg

        with psycopg.connect(
            self.database_url.replace("postgres://", "postgresql://")
        ) as conn:
            return conn.execute(query, params).fetchall()


def base_env(database_url: str, s3_endpoint: str) -> dict:
    keep = {"PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "VIRTUAL_ENV"}
    env = {key: value for key, value in os.environ.items() if key in keep}
    return env | {
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,news.example.com",
        "TRUSTED_PROXIES": "127.0.0.1",
        "DATABASE_URL": database_url,
        "REDIS_URL": REDIS_URL,
        "CACHE_KEY_PREFIX": f"twoservers-{os.getpid()}-{secrets.token_hex(3)}",
        "MEDIA_STORAGE": "s3",
        "AWS_STORAGE_BUCKET_NAME": BUCKET,
        "AWS_S3_ENDPOINT_URL": s3_endpoint,
        "AWS_S3_REGION_NAME": "us-east-1",
        "AWS_S3_ADDRESSING_STYLE": "path",
        **S3_KEYS,
        # Media never comes from an app server's disk in this test.
        "SERVE_MEDIA": "0",
        "LOG_FORMAT": "json",
        "PAGE_CACHE_SECONDS": "300",
        "DJANGO_SUPERUSER_USERNAME": ADMIN_USER,
        "DJANGO_SUPERUSER_PASSWORD": ADMIN_PASSWORD,
        "DJANGO_SUPERUSER_EMAIL": "chief@example.com",
    }


def start_gunicorn(cluster: Cluster, server: Server) -> None:
    server.var_dir.mkdir(parents=True, exist_ok=True)
    log = server.log.open("w")
    server.process = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "newsroom.wsgi:application",
            "--bind",
            f"127.0.0.1:{server.port}",
            "--workers",
            "2",
            "--timeout",
            "60",
            "--graceful-timeout",
            "5",
            "--access-logfile",
            "-",
        ],
        cwd=BASE_DIR,
        env=cluster.env_for(server),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def wait_healthy(server: Server, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(
                f"{server.name} exited:\n{server.log.read_text()[-4000:]}"
            )
        with contextlib.suppress(requests.RequestException):
            if requests.get(f"{server.url}/healthz", timeout=2).status_code == 200:
                return
        time.sleep(0.25)
    raise TimeoutError(f"{server.name} not healthy:\n{server.log.read_text()[-4000:]}")


def stop_gunicorn(servers: list[Server]) -> None:
    running = [s for s in servers if s.process is not None and s.process.poll() is None]
    for server in running:
        server.process.send_signal(signal.SIGTERM)  # the master stops its workers
    for server in running:
        try:
            server.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.process.pid, signal.SIGKILL)  # its own session, see Popen
            server.process.wait(timeout=5)


@contextlib.contextmanager
def cluster_running(tmp: Path, s3_endpoint: str):
    with dedicated_database() as database_url:
        servers = [
            Server(name, free_port(), tmp / name, tmp / f"{name}.log")
            for name in ("server1", "server2")
        ]
        cluster = Cluster(
            servers, database_url, s3_endpoint, base_env(database_url, s3_endpoint)
        )
        cluster.manage("migrate", "--noinput", "-v0")
        cluster.manage("createsuperuser", "--noinput")
        # Static files are built per machine; copy instead of building twice.
        cluster.manage("collectstatic", "--noinput", "-v0", server=servers[0])
        shutil.copytree(servers[0].var_dir / "static", servers[1].var_dir / "static")
        try:
            for server in servers:
                start_gunicorn(cluster, server)
            for server in servers:
                wait_healthy(server)
            yield cluster
        finally:
            stop_gunicorn(servers)


# Browsing ---------------------------------------------------------------------------


def admin_session(server: Server) -> requests.Session:
    """A browser logged in to the admin of `server`."""
    session = requests.Session()
    page = session.get(f"{server.url}/admin/login/", timeout=10)
    form = parse_form(page.text, lambda attrs: "login" in attrs.get("id", ""))
    response = session.post(
        f"{server.url}/admin/login/?next=/admin/",
        data=form.data | {"username": ADMIN_USER, "password": ADMIN_PASSWORD},
        headers={"Referer": page.url},
        allow_redirects=False,
        timeout=10,
    )
    if response.status_code != 302:
        raise AssertionError(f"admin login on {server.name} failed")
    return session


class _FormReader(HTMLParser):
    """Collect what a browser would submit from the first form matching `want`."""

    def __init__(self, want):
        super().__init__(convert_charrefs=True)
        self.want = want
        self.depth = 0  # >0 while inside the wanted form
        self.found = False
        self.action = None
        self.fields: list[tuple[str, str]] = []
        self.buttons: list[tuple[str, str]] = []
        self.files: list[str] = []
        self._select = None
        self._select_value = None
        self._first_option = None
        self._option_value = None
        self._textarea = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = {key: value or "" for key, value in attrs}
        if tag == "form":
            if self.depth:
                self.depth += 1
            elif not self.found and self.want(attrs):
                self.found, self.depth, self.action = True, 1, attrs.get("action", "")
            return
        if not self.depth:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text").lower()
            if kind in {"submit", "button", "image", "reset"}:
                self.buttons.append((name, attrs.get("value", "")))
            elif kind == "file":
                self.files.append(name)
            elif kind in {"checkbox", "radio"}:
                if "checked" in attrs:
                    self.fields.append((name, attrs.get("value", "on")))
            else:
                self.fields.append((name, attrs.get("value", "")))
        elif tag == "button" and name:
            self.buttons.append((name, attrs.get("value", "")))
        elif tag == "select" and name:
            self._select, self._select_value, self._first_option = name, None, None
        elif tag == "option" and self._select:
            value = attrs.get("value")
            self._option_value = value
            if self._first_option is None:
                self._first_option = value
            if "selected" in attrs:
                self._select_value = value
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_data(self, data):
        if self._textarea:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "form" and self.depth:
            self.depth -= 1
        elif tag == "select" and self._select:
            value = self._select_value
            if value is None:
                value = self._first_option
            if value is not None:
                self.fields.append((self._select, value))
            self._select = None
        elif tag == "textarea" and self._textarea:
            self.fields.append((self._textarea, "".join(self._text).lstrip("\n")))
            self._textarea = None


@dataclass
class Form:
    action: str
    fields: list[tuple[str, str]]
    buttons: list[tuple[str, str]]
    files: list[str]

    @property
    def data(self) -> dict:
        return dict(self.fields)

    def filled(self, values: dict) -> list[tuple[str, str]]:
        """The form's fields with some replaced (or added)."""
        kept = [(name, value) for name, value in self.fields if name not in values]
        return kept + list(values.items())


def parse_form(html: str, want) -> Form | None:
    reader = _FormReader(want)
    reader.feed(html)
    if not reader.found:
        return None
    return Form(reader.action, reader.fields, reader.buttons, reader.files)


# nginx in front, with the configuration from docs/production.md ----------------------


@dataclass
class Nginx:
    https_port: int
    http_port: int
    process: subprocess.Popen
    log: Path

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.https_port}"


def nginx_available() -> bool:
    return bool(shutil.which("nginx") or Path("/usr/sbin/nginx").exists()) and bool(
        shutil.which("openssl")
    )


def guide_nginx_config() -> str:
    """The nginx block of docs/production.md, exactly as operators copy it."""
    text = (BASE_DIR / "docs" / "production.md").read_text()
    start = text.index("```nginx\n") + len("```nginx\n")
    return text[start : text.index("```", start)]


def nginx_config_for(
    cluster: Cluster, tmp: Path, https_port: int, http_port: int
) -> str:
    """The guide's configuration with this machine's addresses and paths put in."""
    one, two = cluster.servers
    replacements = {
        "server 10.0.0.21:8000": f"server 127.0.0.1:{one.port}",
        "server 10.0.0.22:8000": f"server 127.0.0.1:{two.port}",
        "/var/cache/nginx/newsroom": str(tmp / "cache"),
        "/srv/newsroom/var/static/": f"{one.var_dir / 'static'}/",
        "/var/log/nginx/newsroom.log": str(tmp / "access.log"),
        "/etc/letsencrypt/live/news.example.com/fullchain.pem": str(tmp / "cert.pem"),
        "/etc/letsencrypt/live/news.example.com/privkey.pem": str(tmp / "key.pem"),
        "    listen [::]:80;\n": "",
        "    listen [::]:443 ssl http2;\n": "",
        "listen 80;": f"listen 127.0.0.1:{http_port};",
        "listen 443 ssl http2;": f"listen 127.0.0.1:{https_port} ssl;",
    }
    config = guide_nginx_config()
    for old, new in replacements.items():
        assert old in config, f"docs/production.md's nginx config changed: {old!r}"
        config = config.replace(old, new)
    temp = "\n".join(
        f"{kind}_temp_path {tmp / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    mime = (
        "include /etc/nginx/mime.types;"
        if Path("/etc/nginx/mime.types").exists()
        else ""
    )
    user = "user root;" if os.geteuid() == 0 else ""  # workers read the tmp dirs
    return (
        f"{user}\npid {tmp / 'nginx.pid'};\nerror_log {tmp / 'error.log'};\n"
        f"events {{}}\nhttp {{\n{mime}\naccess_log off;\n{temp}\n{config}\n}}\n"
    )


@contextlib.contextmanager
def nginx_running(cluster: Cluster, tmp: Path):
    tmp.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-subj", "/CN=news.example.com",
            "-keyout", str(tmp / "key.pem"), "-out", str(tmp / "cert.pem"),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )  # fmt: skip
    https_port, http_port = free_port(), free_port()
    conf = tmp / "nginx.conf"
    conf.write_text(nginx_config_for(cluster, tmp, https_port, http_port))
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    log = tmp / "nginx.out"
    process = subprocess.Popen(
        [binary, "-c", str(conf), "-p", str(tmp), "-g", "daemon off;"],
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        try:
            wait_for_port(https_port, timeout=15)
        except TimeoutError as exc:
            raise RuntimeError(f"nginx did not start:\n{log.read_text()}") from exc
        yield Nginx(https_port, http_port, process, log)
    finally:
        process.send_signal(signal.SIGQUIT)  # graceful: master stops its workers
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)
