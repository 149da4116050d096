"""`composer fill`: rewrite bars in the middle of a score (a gap, or bars to regenerate) with the
music on both sides as context, and write the result."""

from __future__ import annotations

import argparse

from composer.commands.generation_args import add_common, bars_text, chosen_bars, chosen_voices, run_request


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_common(parser)
    parser.add_argument("--bars", type=bars_text, required=True, help="bars to write, e.g. 5-6 (bar 1 = the first full bar)")
    parser.add_argument("--voices", help="voices to rewrite, by name, number (1 = first) or role, comma-separated "
                        "(default: every voice with notes in those bars)")


def run(args: argparse.Namespace) -> int:
    def build(score, options):
        from composer.request import fill_request

        start, end = chosen_bars(score, args.bars)
        return fill_request(score, start, end, chosen_voices(score, args.voices), **options)

    return run_request(args, build)
