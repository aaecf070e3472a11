"""A local test web: one HTTPS server on 127.0.0.1 that serves many realistic host names.

Chromium reaches it through ``--host-resolver-rules="MAP * 127.0.0.1:PORT"``, so pages can
live on www.denhaag.nl, www.google-analytics.com or static.hotjar.com and first/third-party
logic is exercised for real. Nothing here touches the internet.
"""

from .server import Request, Response, TestWeb, html, redirect

__all__ = ["Request", "Response", "TestWeb", "html", "redirect"]
