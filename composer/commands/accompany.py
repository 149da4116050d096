"""`composer accompany`: add a part (bass, harmony, counter-melody or drums) to a score, written
against all its other voices, and write the result."""

from __future__ import annotations

import argparse

from composer.commands.generation_args import (add_chords, add_common, bars_text, chosen_bars, given_chords,
                                               run_request, say_chords_outside_key, say_chords_short,
                                               say_chords_unused)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from composer.request import PARTS

    add_common(parser)
    parser.add_argument("--part", required=True, choices=list(PARTS), help="the part to add")
    parser.add_argument("--bars", type=bars_text, help="bars to write it in, e.g. 1-8 (default: the whole piece)")
    parser.add_argument("--anyway", action="store_true",
                        help="add a harmony, drum or bass part even where the piece has one (refused otherwise, "
                             "as it would double it): the new one complements it (harmony and bass: in another "
                             "rhythm and register; drums: hand percussion, not the kit's kick, snare and hi-hat)")
    add_chords(parser, "from the first bar it is written in (the first full bar, or --bars)")


def run(args: argparse.Namespace) -> int:
    def build(score, options):
        from composer.request import add_part

        span = chosen_bars(score, args.bars) if args.bars else (None, None)
        if args.chords:
            from composer.request import first_bar_line

            start = span[0] if span[0] is not None else first_bar_line(score)
            options = {**options, "chords": given_chords(score, args.chords, start, args.file)}
        given = options.get("controls")  # the person's, before add_part sets a new bass's range
        range_given = given is not None and (given.lowest, given.highest) != (None, None)
        request = add_part(score, args.part, *span, anyway=args.anyway, **options)
        if args.anyway:
            _say_complement(args.file, args.part, request, range_given)
        _say_style(args.file, request)
        if args.chords:
            say_chords_unused(args.file, request)
            say_chords_short(args.file, request, args.chords, start)
            say_chords_outside_key(args.file, request)
        return request

    return run_request(args, build)


def _say_style(file: str, request) -> None:
    """What the chosen style makes of the part, where its name alone does not say it (the drums of a
    melodic style play its drum family's beat; a groove style moves only the drums)."""
    import sys

    from composer.request import style_notice

    notice = style_notice(request)
    if notice:
        print(f"notice: {file}: {notice}", file=sys.stderr)


def _say_complement(file: str, part: str, request, range_given: bool) -> None:
    """With --anyway beside a part of the kind already there: say how the new one is written (the
    co-writer shapes it to complement that part, composer.music.second_part), before it is.
    range_given: the person gave --lowest or --highest (theirs is kept, as add_part keeps it)."""
    import sys

    from composer.music.second_part import find_part_there
    from composer.request import PART_WORDS

    region = request.region
    # Not the request's range: add_part sets a new bass's, so it told "an octave above" over a range given
    plan = find_part_there(request.score, part, region.start, region.end, exclude=region.voices,
                           keep_range=range_given)
    if plan is not None:
        print(f"notice: {file}: the new {PART_WORDS[part]} part complements {plan.name}: {plan.plan_text()}",
              file=sys.stderr)
