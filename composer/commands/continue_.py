"""`composer continue`: continue a score after its end, every voice that sounds at the end in its
own voice (or the voices chosen with --voices), and write the result."""

from __future__ import annotations

import argparse

from composer.commands.generation_args import add_common, run_request


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_common(parser)
    parser.add_argument("--voices", help="voices to continue, by name, number (1 = first) or role, comma-separated "
                        "(default: every voice sounding at the end)")
    parser.add_argument("--bars", type=int, help="bars to write (default 4 unless --length is given)")
    parser.add_argument("--length", type=int, help="the most new notes, in all voices")


def run(args: argparse.Namespace) -> int:
    def build(score, options):
        from composer.request import continue_request, voice_indices

        return continue_request(score, voice_indices(score, args.voices), length=args.length, bars=args.bars,
                                **options)

    return run_request(args, build)
