"""The review page and its static files: served from the package, nothing external."""

from __future__ import annotations

import re
from importlib import resources

STATIC = resources.files("cleanclaim.service").joinpath("static")


def test_page_is_served_with_a_strict_content_security_policy(client):
    resp = client.get("/")
    assert resp.status_code == 200 and resp.headers["content-type"].startswith("text/html")
    csp = resp.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src 'self'" in csp
    assert 'id="note-input"' in resp.text and 'id="review-btn"' in resp.text


def test_page_assets_are_served(client):
    assert client.get("/static/app.js").headers["content-type"].startswith("text/javascript")
    assert client.get("/static/app.css").headers["content-type"].startswith("text/css")


def test_unknown_static_file_is_404(client):
    assert client.get("/static/../app.py").status_code == 404
    assert client.get("/static/secret.txt").status_code == 404


def test_page_loads_nothing_from_outside():
    for name in ("index.html", "app.js", "app.css"):
        text = STATIC.joinpath(name).read_text(encoding="utf-8")
        assert not re.search(r"(src|href)=[\"']?(https?:)?//", text), name
        assert "@import" not in text and "url(http" not in text, name


def test_script_never_builds_html_from_strings():
    js = STATIC.joinpath("app.js").read_text(encoding="utf-8")
    assert "innerHTML" not in js and "outerHTML" not in js and "insertAdjacentHTML" not in js
