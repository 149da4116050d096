"""`composer fill`: rewrite bars in the middle of a score (a gap, or bars to regenerate) with the
music on both sides as context, and write the result."""

from __future__ import annotations

import argparse
import sys

from composer.commands.generation_args import (add_chords, add_common, bars_text, chosen_bars, chosen_voices,
                                               given_chords, run_request)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_common(parser)
    parser.add_argument("--bars", type=bars_text, required=True, help="bars to write, e.g. 5-6 (bar 1 = the first full bar)")
    parser.add_argument("--voices", help="voices to rewrite, by name, number (1 = first) or role, comma-separated "
                        "(default: every voice with notes in those bars)")
    add_chords(parser, "from the first of those bars")


def run(args: argparse.Namespace) -> int:
    def build(score, options):
        from composer.request import fill_request

        start, end = chosen_bars(score, args.bars)
        notice = _past_the_end(score, args.bars, start, end)
        if notice:
            print(f"notice: {args.file}: {notice}", file=sys.stderr)
        if args.chords:
            options = {**options, "chords": given_chords(score, args.chords, start)}
        return fill_request(score, start, end, chosen_voices(score, args.voices), **options)

    return run_request(args, build)


def _past_the_end(score, text: str, start: int, end: int) -> str:
    """What to tell the person when --bars reaches past the last bar of the music ('' when it does
    not): there is nothing after to fill towards, so those bars are a continuation."""
    from composer.request import bar_at, bar_number, parse_bars

    if not score.notes:
        return ""
    last_tick = max(0, score.end - 1)
    if end <= bar_at(score, last_tick)[1]:
        return ""
    bars = bar_number(score, last_tick)
    first, last = parse_bars(text)
    after = max(first, bars + 1)
    span = f"bar {after} is" if after == last else f"bars {after}-{last} are"
    piece = f"the end of the piece ({bars} bar{'s' if bars != 1 else ''})"
    if start < bar_at(score, last_tick)[1]:
        return f"{span} after {piece}: those are a continuation, with nothing after them to lead into"
    gap = "" if first == bars + 1 else (
        f"; bar {bars + 1} stays empty" if first == bars + 2 else f"; bars {bars + 1}-{first - 1} stay empty")
    return f"{span} after {piece}: continuing it instead{gap}"
