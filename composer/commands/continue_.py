"""`composer continue`: continue a score after its end, every voice that sounds at the end in its
own voice (or the voices chosen with --voices), and write the result."""

from __future__ import annotations

import argparse

from composer.commands.generation_args import (add_chords, add_common, bounded_count, chosen_voices, given_chords,
                                               run_request, say_chords_outside_key, say_chords_short,
                                               say_chords_unused)
from composer.music.limits import MAX_CONTINUE_BARS, MAX_NEW_NOTES


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_common(parser)
    parser.add_argument("--voices", help="voices to continue, by name, number (1 = first) or role, comma-separated "
                        "(default: every voice sounding at the end)")
    more = "at a time: continue the result for more"
    parser.add_argument("--bars", type=bounded_count("bars", MAX_CONTINUE_BARS, more),
                        help=f"bars to write, 1-{MAX_CONTINUE_BARS} (default 4 unless --length is given)")
    parser.add_argument("--length", type=bounded_count("new notes", MAX_NEW_NOTES, more),
                        help=f"the most new notes of the first voice written (1-{MAX_NEW_NOTES}); other voices fill the bars it spans")
    add_chords(parser, "from the first new bar (the rest of a last bar the score ends inside keeps its own harmony)")


def run(args: argparse.Namespace) -> int:
    def build(score, options):
        from composer.request import continuation_start, continue_request

        if getattr(args, "chords", None):
            from composer.model.vocab import TICKS_PER_GRID

            # From where the new bars are counted: the continuation's start rounded up to the grid
            # (a last note let go 10 ticks before bar 9 put the first chord over bar 8, the piece's own; QA)
            start = -(-continuation_start(score) // TICKS_PER_GRID) * TICKS_PER_GRID
            # ... and from the first new bar where that is inside the score's last bar, as --bars
            # counts them: the rest of that bar keeps its own harmony (a tune ending on beat 2 of
            # bar 4, its B4 D5 a G chord, had the chart's first chord over bar 4, and four chords
            # given for four new bars left the last without one; QA)
            bar_start, bar_end = score.meter_map().bar_span(start)
            start = start if start == bar_start else bar_end
            options = {**options, "chords": given_chords(score, args.chords, start, args.file)}
        request = continue_request(score, chosen_voices(score, args.voices), length=args.length, bars=args.bars,
                                   **options)
        if getattr(args, "chords", None):
            say_chords_unused(args.file, request)
            say_chords_short(args.file, request, args.chords, start)
            say_chords_outside_key(args.file, request)
        return request

    return run_request(args, build)
