"""``cleanclaim serve``: options and defaults, without starting a server."""

from __future__ import annotations

from typer.testing import CliRunner

from cleanclaim.cli import app


def test_serve_is_registered_with_its_options():
    result = CliRunner().invoke(app, ["serve", "--help"])
    assert result.exit_code == 0
    for option in ("--host", "--port", "--workers", "--queue-size", "--mode"):
        assert option in result.output


def test_serve_binds_to_localhost_by_default(monkeypatch):
    import uvicorn

    seen = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: seen.update(kw, app=app))
    result = CliRunner().invoke(
        app, ["serve", "--workers", "3", "--queue-size", "5", "--rules-only"]
    )
    assert result.exit_code == 0, result.output
    assert (seen["host"], seen["port"]) == ("127.0.0.1", 8000)
    limits = seen["app"].state.limits
    assert (limits.workers, limits.queue_size) == (3, 5)
    assert seen["app"].state.pool.mode == "process"
