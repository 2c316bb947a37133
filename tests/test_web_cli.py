"""The ``serve`` and ``report`` commands, registered on a Typer app like pariah's own."""
from __future__ import annotations

import pytest
import typer
from typer.testing import CliRunner

pytest.importorskip("fastapi")

from pariah.cli import app  # noqa: E402

runner = CliRunner()


def cli_app() -> typer.Typer:
    """pariah's own command line, whose commands are added once, by importing ``pariah.cli``."""
    return app


def test_each_command_is_added_once():
    names = [c.name for c in app.registered_commands]
    assert names.count("serve") == 1 and names.count("report") == 1


def test_commands_have_help():
    for name in ("serve", "report"):
        result = runner.invoke(cli_app(), [name, "--help"])
        assert result.exit_code == 0 and "Usage" in result.output


@pytest.fixture
def started(monkeypatch, tmp_path):
    """Run ``serve`` up to the point where uvicorn would start, and record what it was given."""
    calls = {}
    monkeypatch.setenv("PARIAH_DB", f"sqlite:///{tmp_path / 'serve.sqlite'}")
    monkeypatch.delenv("PARIAH_WRITE_TOKEN", raising=False)
    import uvicorn

    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.update(app=app, **kw))
    return calls


def test_serve_is_read_only_by_default_on_loopback(started):
    result = runner.invoke(cli_app(), ["serve", "--port", "8123"])
    assert result.exit_code == 0, result.output
    assert started["host"] == "127.0.0.1" and started["port"] == 8123
    assert started["app"].state.write_token is None and "read-only" in result.output


def test_serve_takes_the_token_from_the_environment(started, monkeypatch):
    monkeypatch.setenv("PARIAH_WRITE_TOKEN", "t" * 24)
    result = runner.invoke(cli_app(), ["serve"])
    assert result.exit_code == 0 and started["app"].state.write_token == "t" * 24


def test_serve_refuses_a_short_token_and_warns_off_loopback(started):
    short = runner.invoke(cli_app(), ["serve", "--write-token", "abc"])
    assert short.exit_code == 2 and "at least 16" in short.output and "app" not in started
    wide = runner.invoke(cli_app(), ["serve", "--host", "0.0.0.0", "--write-token", "w" * 20])
    assert wide.exit_code == 0 and "warning" in wide.output


def test_serve_on_a_busy_port_is_one_line_and_exit_status_1(started):
    import socket

    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    port = taken.getsockname()[1]
    try:
        result = runner.invoke(cli_app(), ["serve", "--port", str(port)])
    finally:
        taken.close()
    assert result.exit_code == 1 and "app" not in started
    assert result.output.strip().splitlines() == [
        f"error: cannot listen on 127.0.0.1:{port}: Address already in use; is another server there? "
        "choose another port with --port"]

