"""`composer gui [FILE]`: open the composer window (the default command)."""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", nargs="?", help="a score or project to open (.mid, .abc, .xml/.mxl, .composer.json, .cmp)")


def run(args: argparse.Namespace) -> int:
    from composer.ui.app import run_app  # Qt is imported only here; torch only in the model loader

    return run_app(args.file)
