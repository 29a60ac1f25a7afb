"""Every example output in the README is produced here, so it cannot go stale.

Two kinds of README blocks are checked:

- ``<!-- output: cleanclaim ARGS -->`` before a fenced block: the block is ``$ cleanclaim ARGS``
  then exactly what the command prints (text view at 80 columns, no colour);
- ``pycon`` blocks: ``>>>`` statements with the output the interactive interpreter shows.

After a deliberate change of behaviour, regenerate them: ``python tests/test_readme.py --update``.
"""

from __future__ import annotations

import contextlib
import io
import re
import shlex
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
MARKER = re.compile(r"<!-- output: (cleanclaim [^>]*?) -->\n```(\w*)\n(.*?)```", re.S)
PYCON = re.compile(r"```pycon\n(.*?)```", re.S)


def run_cli(command: str, tmp: Path) -> str:
    """What ``command`` prints, as plain text at 80 columns (run in this process)."""
    from typer.testing import CliRunner

    from cleanclaim.cli import app

    args = shlex.split(command)[1:]
    out = tmp / "out.txt"
    extra = ["--output", str(out)] if args[0] == "review" else []
    result = CliRunner().invoke(app, args + extra, catch_exceptions=False)
    assert result.exit_code in (0, 2), result.output
    text = out.read_text(encoding="utf-8") if extra else result.stdout
    return "\n".join(line.rstrip() for line in text.rstrip("\n").splitlines()) + "\n"


def run_pycon(block: str) -> str:
    """The block with each statement's output as the interactive interpreter shows it."""
    namespace: dict[str, object] = {}
    out: list[str] = []
    statements: list[str] = []
    for line in block.splitlines():
        if line.startswith(">>> "):
            statements.append(line[4:])
        elif line.startswith("... ") and statements:
            statements[-1] += "\n" + line[4:]
    for stmt in statements:
        lines = stmt.split("\n")
        out.append(">>> " + lines[0])
        out.extend("... " + more for more in lines[1:])
        buffer = io.StringIO()
        with contextlib.redirect_stdout(buffer):
            try:
                value = eval(compile(stmt, "<readme>", "eval"), namespace)  # noqa: S307
                if value is not None:
                    print(repr(value))
            except SyntaxError:
                exec(compile(stmt, "<readme>", "exec"), namespace)  # noqa: S102
        out.extend(buffer.getvalue().rstrip("\n").splitlines())
    return "\n".join(out) + "\n"


def regenerate(text: str, tmp: Path) -> str:
    """The README with every checked block produced afresh."""

    def cli(m: re.Match[str]) -> str:
        command, lang = m.group(1), m.group(2)
        return f"<!-- output: {command} -->\n```{lang}\n$ {command}\n{run_cli(command, tmp)}```"

    text = MARKER.sub(cli, text)
    return PYCON.sub(lambda m: f"```pycon\n{run_pycon(m.group(1))}```", text)


def test_readme_has_checked_examples():
    text = README.read_text(encoding="utf-8")
    assert MARKER.search(text) and PYCON.search(text)


@pytest.mark.parametrize("index", range(len(MARKER.findall(README.read_text(encoding="utf-8")))))
def test_readme_command_output_is_current(index, tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    command, _, shown = MARKER.findall(README.read_text(encoding="utf-8"))[index]
    assert shown == f"$ {command}\n{run_cli(command, tmp_path)}", (
        "README output is stale: run `python tests/test_readme.py --update`"
    )


def test_readme_python_session_is_current():
    for block in PYCON.findall(README.read_text(encoding="utf-8")):
        assert block == run_pycon(block), (
            "README Python session is stale: run `python tests/test_readme.py --update`"
        )


if __name__ == "__main__":
    if "--update" in sys.argv:
        import os
        import tempfile

        os.chdir(ROOT)
        with tempfile.TemporaryDirectory() as tmp:
            README.write_text(regenerate(README.read_text(encoding="utf-8"), Path(tmp)), "utf-8")
        print("updated", README)
