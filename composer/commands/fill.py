"""`composer fill`: rewrite bars in the middle of a score (a gap, or bars to regenerate) with the
music on both sides as context, and write the result."""

from __future__ import annotations

import argparse
import sys

from composer.commands.generation_args import (add_chords, add_common, bars_text, chosen_bars, chosen_voices,
                                               given_chords, run_request, say_chords_outside_key, say_chords_short,
                                               say_chords_unused)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_common(parser)
    parser.add_argument("--bars", type=bars_text, required=True, help="bars to write, e.g. 5-6 (bar 1 = the first full bar)")
    parser.add_argument("--voices", help="voices to rewrite, by name, number (1 = first) or role, comma-separated "
                        "(default: every voice with notes in those bars)")
    add_chords(parser, "from the first of those bars")


def run(args: argparse.Namespace) -> int:
    def build(score, options):
        from composer.request import fill_request, past_the_end

        start, end = chosen_bars(score, args.bars)
        notice = past_the_end(score, start, end)
        if notice:
            print(f"notice: {args.file}: {notice}", file=sys.stderr)
        if args.chords:
            options = {**options, "chords": given_chords(score, args.chords, start, args.file)}
        request = fill_request(score, start, end, chosen_voices(score, args.voices), **options)
        if args.chords:
            say_chords_unused(args.file, request)
            say_chords_short(args.file, request, args.chords, start)
            say_chords_outside_key(args.file, request)
        return request

    return run_request(args, build)
