"""--proxy sends the browser's traffic through the given HTTP proxy (a local CONNECT proxy here)."""

from __future__ import annotations

import socket
import socketserver
import threading

import pytest

from cookieaudit.scanner import scan
from tests.testweb import html

HOST = "www.proxystad.nl"


class _ConnectProxy(socketserver.ThreadingTCPServer):
    """A minimal HTTPS proxy: answers CONNECT and tunnels every tunnel to one local port."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, target_port: int):
        self.target_port = target_port
        self.connects: list[str] = []
        super().__init__(("127.0.0.1", 0), _Tunnel)


class _Tunnel(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        head = b""
        while b"\r\n\r\n" not in head and len(head) < 65536:
            chunk = self.request.recv(4096)
            if not chunk:
                return
            head += chunk
        line = head.split(b"\r\n", 1)[0].decode("latin-1")
        method, target = line.split(" ")[:2]
        if method != "CONNECT":
            self.request.sendall(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n")
            return
        self.server.connects.append(target)
        upstream = socket.create_connection(("127.0.0.1", self.server.target_port))
        self.request.sendall(b"HTTP/1.1 200 Connection Established\r\n\r\n")
        threads = [threading.Thread(target=_pipe, args=(self.request, upstream), daemon=True),
                   threading.Thread(target=_pipe, args=(upstream, self.request), daemon=True)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()


def _pipe(source: socket.socket, sink: socket.socket) -> None:
    try:
        while True:
            data = source.recv(65536)
            if not data:
                break
            sink.sendall(data)
    except OSError:
        pass
    finally:
        for sock in (source, sink):
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


@pytest.mark.browser
def test_scan_goes_through_the_proxy(testweb, chromium_path):
    """With --proxy and no host-resolver switch, pages are reached only through the proxy's tunnels."""
    testweb.route(HOST, "/", html("<p>via de proxy</p>", title="Proxystad", set_cookies=["p=1; Path=/; Secure"]))
    proxy = _ConnectProxy(testweb.port)
    threading.Thread(target=proxy.serve_forever, daemon=True).start()
    try:
        result = scan(f"https://{HOST}/", consent="none", pages=1, insecure=True,
                      proxy=f"http://127.0.0.1:{proxy.server_address[1]}")
    finally:
        proxy.shutdown()
        proxy.server_close()
    assert [page.title for page in result.pages] == ["Proxystad"]
    assert f"{HOST}:443" in proxy.connects
    assert result.options.proxy == f"http://127.0.0.1:{proxy.server_address[1]}"
    assert [c.name for c in result.cookies] == ["p"]
