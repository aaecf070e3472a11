"""The HTTPS virtual-host server behind the local test web."""

from __future__ import annotations

import base64
import hashlib
import mimetypes
import socket
import ssl
import struct
import tempfile
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable, Iterable, Optional, Union
from urllib.parse import parse_qs, urlsplit

__all__ = ["Request", "Response", "TestWeb", "html", "redirect", "spki_hash"]


@dataclass
class Request:
    """What a handler sees of a request."""

    method: str
    host: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes = b""

    @property
    def cookies(self) -> dict[str, str]:
        jar = {}
        for part in self.headers.get("cookie", "").split(";"):
            if "=" in part:
                name, value = part.strip().split("=", 1)
                jar[name] = value
        return jar


@dataclass
class Response:
    """A canned response; ``set_cookies`` become one Set-Cookie header each.

    Hostile variants: ``raw_set_cookies`` are sent byte for byte (any encoding); ``reset``
    answers nothing and resets the connection; ``stream`` sends the body as chunks (an
    iterable of bytes, possibly endless) with ``chunk_delay`` seconds between them, after
    ``body`` — the page never finishes loading while the iterable lasts.
    """

    body: Union[str, bytes] = b""
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    headers: list[tuple[str, str]] = field(default_factory=list)
    set_cookies: list[str] = field(default_factory=list)
    delay: float = 0.0
    raw_set_cookies: list[bytes] = field(default_factory=list)
    reset: bool = False
    stream: Optional[Iterable[bytes]] = None
    chunk_delay: float = 0.0

    def encoded(self) -> bytes:
        return self.body.encode("utf-8") if isinstance(self.body, str) else self.body


Handler = Callable[[Request], Response]
Route = Union[Response, Handler]


def html(body: str, title: str = "", head: str = "", **kwargs) -> Response:
    """A small HTML page."""
    page = f"<!doctype html><html lang=nl><head><meta charset=utf-8><title>{title}</title>{head}</head><body>{body}</body></html>"
    return Response(page, **kwargs)


def redirect(location: str, status: int = 302, **kwargs) -> Response:
    return Response(b"", status=status, headers=[("Location", location)], **kwargs)


class TestWeb:
    """An HTTPS server on 127.0.0.1 with routes per (host, path) and directory mounts.

    ``latency`` (seconds) is added to every response, to make benchmarks realistic.
    Every request is logged in ``requests`` (thread-safe append).
    """

    __test__ = False  # not a pytest test class

    def __init__(self, latency: float = 0.0):
        self.latency = latency
        self.routes: dict[tuple[str, str], Route] = {}
        self.mounts: list[tuple[str, str, Path]] = []
        self.fallbacks: dict[str, Handler] = {}
        self.requests: list[Request] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._tmp = tempfile.TemporaryDirectory(prefix="cookieaudit-testweb-")

    # -- content -----------------------------------------------------------------------
    def route(self, host: str, path: str, response: Route) -> None:
        """Serve ``response`` (a Response or a function of the Request) at https://host/path."""
        self.routes[(host.lower(), path)] = response

    def mount(self, host: str, prefix: str, directory: str | Path) -> None:
        """Serve files under ``directory`` at https://host/prefix... (with ``Access-Control-Allow-Origin: *``,
        as a public CDN sends, so module scripts load across origins)."""
        self.mounts.append((host.lower(), prefix.rstrip("/") + "/", Path(directory)))

    def fallback(self, host: str, handler: Handler) -> None:
        """Handle every unrouted path on ``host``."""
        self.fallbacks[host.lower()] = handler

    # -- lifecycle ---------------------------------------------------------------------
    @property
    def port(self) -> int:
        assert self._server is not None, "server not started"
        return self._server.server_address[1]

    @property
    def browser_args(self) -> list[str]:
        """Chromium switches that send every host name to this server and trust its certificate.

        The first is the host mapping alone. The second trusts the certificate by its key
        (``--ignore-certificate-errors-spki-list``, honoured as the browser runs with a
        ``--user-data-dir``, as Playwright starts it): a certificate error that is merely
        ignored (``--insecure``) still stops service-worker scripts from being fetched, a trusted
        one does not — no system trust store, package or HOME is involved."""
        return [f"--host-resolver-rules=MAP * 127.0.0.1:{self.port}, EXCLUDE localhost",
                f"--ignore-certificate-errors-spki-list={self.spki_hash}"]

    def start(self) -> "TestWeb":
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        cert, key = self._make_certificate()
        context.load_cert_chain(cert, key)
        self.spki_hash = spki_hash(Path(cert).read_bytes())
        web = self

        class _Handler(_RequestHandler):
            testweb = web

        server = _QuietServer(("127.0.0.1", 0), _Handler)
        server.daemon_threads = True
        # The TLS handshake happens in each connection's own thread (on its first read), not in
        # accept(): one client that connects and stays silent (a browser's spare socket) must not
        # stall every other connection.
        server.socket = context.wrap_socket(server.socket, server_side=True, do_handshake_on_connect=False)
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, name="testweb", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        self._tmp.cleanup()

    def __enter__(self) -> "TestWeb":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def _make_certificate(self) -> tuple[str, str]:
        """A certificate made now by a throwaway CA (browsers trust it by its key: ``browser_args``)."""
        import trustme

        ca = trustme.CA()
        hosts = sorted({host for host, _ in self.routes} | {host for host, _, _ in self.mounts} | {"localhost"})
        leaf = ca.issue_cert("127.0.0.1", *hosts)
        cert = Path(self._tmp.name) / "cert.pem"
        key = Path(self._tmp.name) / "key.pem"
        leaf.cert_chain_pems[0].write_to_path(str(cert))
        leaf.private_key_pem.write_to_path(str(key))
        return str(cert), str(key)

    # -- dispatch ----------------------------------------------------------------------
    def resolve(self, request: Request) -> Response:
        route = self.routes.get((request.host, request.path))
        if route is not None:
            return route(request) if callable(route) else route
        for host, prefix, directory in self.mounts:
            if host == request.host and request.path.startswith(prefix):
                return _file_response(directory, request.path[len(prefix):])
        fallback = self.fallbacks.get(request.host)
        if fallback is not None:
            return fallback(request)
        return Response("<!doctype html><title>Niet gevonden</title><h1>404</h1>", status=404)

    def log(self, request: Request) -> None:
        with self._lock:
            self.requests.append(request)

    def requests_to(self, host: str) -> list[Request]:
        with self._lock:
            return [r for r in self.requests if r.host == host]


def spki_hash(pem: bytes) -> str:
    """base64(SHA-256(SubjectPublicKeyInfo)) of a PEM certificate: the form Chromium's
    ``--ignore-certificate-errors-spki-list`` takes."""
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    key = x509.load_pem_x509_certificate(pem).public_key()
    der = key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return base64.b64encode(hashlib.sha256(der).digest()).decode()


class _QuietServer(ThreadingHTTPServer):
    """A browser that drops a connection mid-response (a closed tab, a killed browser) is normal here."""

    def handle_error(self, request, client_address) -> None:
        import sys

        if isinstance(sys.exc_info()[1], (ConnectionError, ssl.SSLError, TimeoutError)):
            return
        super().handle_error(request, client_address)


def _file_response(directory: Path, relative: str) -> Response:
    target = (directory / relative).resolve()
    if directory.resolve() not in target.parents or not target.is_file():
        return Response("not found", status=404, content_type="text/plain")
    kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
    if kind.startswith("text/") or kind in ("application/javascript", "application/json"):
        kind += "; charset=utf-8"
    return Response(target.read_bytes(), content_type=kind, headers=[("Access-Control-Allow-Origin", "*")])


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    testweb: TestWeb

    def log_message(self, *args) -> None:  # keep test output clean
        pass

    def handle(self) -> None:
        try:
            super().handle()
        except (ssl.SSLError, ConnectionError):  # a failed or abandoned TLS handshake, as accept() ignored it
            self.close_connection = True

    def _handle(self) -> None:
        parts = urlsplit(self.path)
        host = (self.headers.get("Host") or "").split(":")[0].lower()
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        request = Request(
            method=self.command, host=host, path=parts.path or "/", query=parse_qs(parts.query),
            headers={k.lower(): v for k, v in self.headers.items()}, body=body,
        )
        self.testweb.log(request)
        try:
            response = self.testweb.resolve(request)
        except Exception as exc:  # a broken fixture shows as a 500, not a hung test
            response = Response(f"fixture error: {exc!r}", status=500, content_type="text/plain")
        delay = self.testweb.latency + response.delay
        if delay:
            time.sleep(delay)
        if response.reset:
            self._reset()
            return
        payload = response.encoded()
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        if response.stream is None:
            self.send_header("Content-Length", str(len(payload)))
        else:
            self.send_header("Transfer-Encoding", "chunked")
            self.close_connection = True
        self.send_header("Cache-Control", "no-store")
        for name, value in response.headers:
            self.send_header(name, value)
        for cookie in response.set_cookies:
            self.send_header("Set-Cookie", cookie)
        for raw in response.raw_set_cookies:  # http.server encodes header lines as latin-1: bytes pass through
            self.send_header("Set-Cookie", raw.decode("latin-1"))
        self.end_headers()
        if self.command == "HEAD":
            return
        try:
            if response.stream is None:
                self.wfile.write(payload)
                return
            for chunk in ([payload] if payload else []) + [response.stream]:
                for piece in ([chunk] if isinstance(chunk, bytes) else chunk):
                    if piece:
                        self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
                        self.wfile.flush()
                    if response.chunk_delay:
                        time.sleep(response.chunk_delay)
            self.wfile.write(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError, OSError):
            self.close_connection = True

    def _reset(self) -> None:
        """Close the TCP connection with a reset (SO_LINGER 0), answering nothing."""
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
        except OSError:
            pass
        self.close_connection = True

    do_GET = do_POST = do_HEAD = do_PUT = _handle
