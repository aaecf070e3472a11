"""The demo site's web server: HTTPS on 127.0.0.1, one process, every host of ``site.yaml``.

The browser reaches it through ``--host-resolver-rules`` (every host name maps to this port),
so pages, trackers and cookies carry realistic host names without any network. The TLS
certificate is the demo's own (``demo-cert.pem``; its key is published, it protects nothing)
and the demo's browser accepts it as ``--insecure`` would.
"""

from __future__ import annotations

import mimetypes
import secrets
import ssl
import threading
from contextlib import ExitStack
from functools import lru_cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from typing import Optional
from urllib.parse import urlsplit

import yaml

__all__ = ["DemoServer", "site_config"]


@lru_cache(maxsize=1)
def site_config() -> dict:
    """The parsed site.yaml."""
    return yaml.safe_load(resources.files("cookieaudit.demo").joinpath("site.yaml").read_text(encoding="utf-8"))


def _asset(relative: str) -> bytes:
    return resources.files("cookieaudit.demo").joinpath("site", *relative.split("/")).read_bytes()


def _content_type(name: str) -> str:
    kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
    if name.endswith(".js"):
        kind = "application/javascript"
    if kind.startswith("text/") or kind == "application/javascript":
        kind += "; charset=utf-8"
    return kind


def _page(name: str, title: str) -> bytes:
    layout = _asset("layout.html").decode("utf-8")
    content = _asset(f"pages/{name}").decode("utf-8")
    return layout.replace("{{title}}", title).replace("{{content}}", content).encode("utf-8")


def _request_cookies(header: Optional[str]) -> set[str]:
    names = set()
    for part in (header or "").split(";"):
        if "=" in part:
            names.add(part.split("=", 1)[0].strip())
    return names


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args) -> None:  # the demo prints its own summary
        pass

    def _respond(self) -> None:
        config = site_config()
        host = (self.headers.get("Host") or "").split(":")[0].lower()
        path = urlsplit(self.path).path or "/"
        route = (config["hosts"].get(host) or {}).get(path)
        headers: list[tuple[str, str]] = []
        if route is None:
            status, body, content_type = 404, b"<!doctype html><title>Niet gevonden</title><h1>404</h1>", "text/html; charset=utf-8"
        else:
            status = int(route.get("status", 200))
            content_type = route.get("content_type") or "text/html; charset=utf-8"
            body = b""
            if "page" in route:
                body = _page(route["page"], route.get("title", ""))
            elif "file" in route:
                body = _asset(route["file"])
                content_type = route.get("content_type") or _content_type(route["file"])
            elif "body" in route:
                body = str(route["body"]).encode("utf-8")
            present = _request_cookies(self.headers.get("Cookie"))
            for cookie in config["cookies"].get(route.get("cookies"), []) if route.get("cookies") else []:
                if cookie.get("when_missing") and cookie["name"] in present:
                    continue
                headers.append(("Set-Cookie", cookie["header"].replace("{token}", secrets.token_urlsafe(12))))
            if route.get("cors"):
                origin = self.headers.get("Origin") or "null"
                headers += [("Access-Control-Allow-Origin", origin), ("Access-Control-Allow-Credentials", "true")]
        self.send_response(status)
        if status != 204:
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD" and status != 204:
            try:
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass

    def do_GET(self) -> None:
        self._respond()

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(min(length, 1 << 20))
        self._respond()

    do_HEAD = do_GET


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        """A browser closing a connection mid-handshake is normal; never print a traceback."""


class DemoServer:
    """The demo site on an HTTPS port of 127.0.0.1 (a free one), in a background thread."""

    def __init__(self) -> None:
        self._server: Optional[ThreadingHTTPServer] = None
        self._thread: Optional[threading.Thread] = None

    @property
    def port(self) -> int:
        assert self._server is not None, "server not started"
        return self._server.server_address[1]

    @property
    def browser_args(self) -> list[str]:
        """Chromium switches that send every host name to this server."""
        return [f"--host-resolver-rules=MAP * 127.0.0.1:{self.port}, EXCLUDE localhost"]

    @property
    def site(self) -> str:
        return site_config()["site"]

    def start(self) -> "DemoServer":
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        package = resources.files("cookieaudit.demo")
        with ExitStack() as stack:
            cert = stack.enter_context(resources.as_file(package.joinpath("demo-cert.pem")))
            key = stack.enter_context(resources.as_file(package.joinpath("demo-key.pem")))
            context.load_cert_chain(str(cert), str(key))
        server = _QuietServer(("127.0.0.1", 0), _Handler)
        # The handshake happens in each request's thread (on first read), not in accept(): a browser's
        # speculative connection that never says hello must not hold up every other request.
        server.socket = context.wrap_socket(server.socket, server_side=True, do_handshake_on_connect=False)
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, name="cookieaudit-demo", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> "DemoServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
