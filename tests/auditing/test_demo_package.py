"""The demo ships inside the package: built as setuptools installs it, every site file, the
statement, the certificate and the audit's data files are there and the site answers; the
shipped PDF is what scripts/make-demo-pdf writes from its text."""

from __future__ import annotations

import importlib.machinery
import importlib.util
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = r"""
import http.client, ssl
from cookieaudit.demo.server import DemoServer, site_config
from cookieaudit.auditing.messages import messages
from cookieaudit.auditing.knowledge import knowledge
assert messages()["kinds"] and knowledge()["banner"]
with DemoServer() as server:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    for host, routes in site_config()["hosts"].items():
        for path, route in routes.items():
            connection = http.client.HTTPSConnection("127.0.0.1", server.port, context=context, timeout=10)
            connection.request("GET", path, headers={"Host": host})
            response = connection.getresponse()
            body = response.read()
            assert response.status == route.get("status", 200), (host, path, response.status)
            assert body or response.status == 204, (host, path)
            connection.close()
print("ok")
"""


def test_installed_layout_has_the_demo_and_the_audit_data(tmp_path):
    build = subprocess.run([sys.executable, "-c", "from setuptools import setup; setup()", "-q", "build_py", "-d",
                            str(tmp_path)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert build.returncode == 0, build.stderr
    source = ROOT / "cookieaudit" / "demo"
    shipped = {p.relative_to(source) for p in source.rglob("*") if p.is_file() and p.suffix not in (".py", ".pyc", ".txt")}
    built = {p.relative_to(tmp_path / "cookieaudit" / "demo") for p in (tmp_path / "cookieaudit" / "demo").rglob("*") if p.is_file()}
    assert shipped <= built, f"add to package-data in pyproject.toml: {sorted(map(str, shipped - built))}"
    done = subprocess.run([sys.executable, "-c", PROBE], cwd=tmp_path, capture_output=True, text=True, timeout=60,
                          env={"PYTHONPATH": str(tmp_path), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr


def test_demo_pdf_is_made_from_its_text():
    loader = importlib.machinery.SourceFileLoader("make_demo_pdf", str(ROOT / "scripts" / "make-demo-pdf"))
    spec = importlib.util.spec_from_loader("make_demo_pdf", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    shipped = (ROOT / "cookieaudit" / "demo" / "site" / "statement" / "cookieverklaring.pdf").read_bytes()
    assert module.demo_pdf() == shipped, "run: python scripts/make-demo-pdf"
