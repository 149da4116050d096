"""`composer accompany`: add a part (bass, harmony, counter-melody or drums) to a score, written
against all its other voices, and write the result."""

from __future__ import annotations

import argparse

from composer.commands.generation_args import add_common, bars_text, chosen_bars, run_request


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from composer.request import PARTS

    add_common(parser)
    parser.add_argument("--part", required=True, choices=list(PARTS), help="the part to add")
    parser.add_argument("--bars", type=bars_text, help="bars to write it in, e.g. 1-8 (default: the whole piece)")


def run(args: argparse.Namespace) -> int:
    def build(score, options):
        from composer.request import add_part

        span = chosen_bars(score, args.bars) if args.bars else (None, None)
        return add_part(score, args.part, *span, **options)

    return run_request(args, build)
