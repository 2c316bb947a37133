"""Generate docs/CLI.md from the commands' own --help: ``python -m pariah.clidoc > docs/CLI.md``."""
from __future__ import annotations

import os


def _commands(group, prefix=()):
    for name in sorted(group.commands):
        command = group.commands[name]
        yield prefix + (name,), command
        if hasattr(command, "commands"):
            yield from _commands(command, prefix + (name,))


def render() -> str:
    from typer.main import get_command
    from typer.testing import CliRunner

    from pariah.cli import app

    runner = CliRunner()
    env = {"COLUMNS": "100", "TERM": "dumb", "NO_COLOR": "1"}
    parts = ["# pariah command line reference\n",
             "Generated from each command's `--help` by `python -m pariah.clidoc > docs/CLI.md`; "
             "a test fails when it is out of date.\n"]

    def section(path):
        result = runner.invoke(app, [*path, "--help"], env=env, terminal_width=100, prog_name="pariah")
        title = " ".join(("pariah", *path)).strip()
        text = "\n".join(line.rstrip() for line in result.output.strip("\n").splitlines()).strip("\n")
        return f"\n## {title}\n\n```text\n{text}\n```\n"

    parts.append(section(()))
    for path, _ in _commands(get_command(app)):
        parts.append(section(path))
    return "".join(parts)


if __name__ == "__main__":
    os.environ.setdefault("COLUMNS", "100")
    print(render(), end="")
