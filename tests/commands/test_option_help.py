"""Every option of every command says what it does in `--help` (QA qa14: --temperature, --top-p and
--variations had no help text). The real parser of the `composer` command."""

from __future__ import annotations

import argparse

from composer.cli import build_parser


def test_every_option_of_every_command_has_help():
    parser = build_parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices
    bare = [f"{name} {'/'.join(action.option_strings)}" for name, command in commands.items()
            for action in command._actions
            if action.option_strings and not isinstance(action, argparse._HelpAction) and not action.help]
    assert commands and not bare, bare
