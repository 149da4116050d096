"""The README's usage section is what a person copies: every `composer ...` line in its command
block must parse with the real CLI parser (so a renamed option shows up here), and it must show
--chords with one chord per '|'-separated bar (QA: it never did)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from composer.cli import build_parser

README = Path(__file__).resolve().parents[2] / "README.md"


def usage_commands() -> list[list[str]]:
    """argv lists of the `composer` commands in the usage section's bash block (comments dropped,
    '\\' continuations joined, '&&' chains split)."""
    text = README.read_text(encoding="utf-8")
    section = text.split("<!-- section:usage -->", 1)[1].split("<!-- section:", 1)[0]
    block = re.search(r"```bash\n(.*?)```", section, re.S).group(1)
    commands = []
    for line in block.replace("\\\n", " ").splitlines():
        words = shlex.split(line, comments=True)
        while words:
            cut = words.index("&&") if "&&" in words else len(words)
            if words[0] == "composer":
                commands.append(words[1:cut])
            words = words[cut + 1:]
    return commands


def test_every_usage_line_parses_with_the_real_cli():
    commands = usage_commands()
    assert len(commands) >= 10
    parser = build_parser()
    for argv in commands:
        parser.parse_args(argv)  # SystemExit (a failed test) on an option the CLI does not take


def test_usage_shows_chords_one_bar_each():
    parser = build_parser()
    chords = [parser.parse_args(argv).chords for argv in usage_commands()
              if argv[0] == "continue" and "--chords" in argv]
    assert chords and any(text.count("|") >= 3 for text in chords)
