"""`composer continue`: continue a seed file with the co-writer and write the result as MIDI."""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("seed", help="seed file (.mid, .abc, .xml/.mxl, .krn)")
    parser.add_argument("-o", "--out", required=True, help="output .mid (with --variations N > 1, files are "
                        "numbered: out-1.mid, out-2.mid, ...)")
    parser.add_argument("--model", help="checkpoint (default: the shipped model)")
    parser.add_argument("--style", help="style name (see --list-styles); default: neutral")
    parser.add_argument("--length", type=int, default=32, help="notes to add (default 32)")
    parser.add_argument("--bars", type=int, help="fill this many bars instead of a note count")
    parser.add_argument("--temperature", type=float, default=1.0)
    parser.add_argument("--top-p", type=float, default=0.95)
    parser.add_argument("--variations", type=int, default=1)
    parser.add_argument("--key", help="key lock, e.g. C:major, A:minor, D:dorian, or 'auto' (from the seed)")
    parser.add_argument("--seed", type=int, dest="random_seed", help="random seed for a repeatable result")
    parser.add_argument("--only-continuation", action="store_true", help="write only the new notes")
    parser.add_argument("--list-styles", action="store_true", help="print the model's styles and exit")


def run(args: argparse.Namespace) -> int:
    import sys
    from pathlib import Path

    from composer.generate import CheckpointError, Continuer
    from composer.io import ScoreFileError, read_score, write_midi

    try:
        continuer = Continuer.load(args.model)
    except CheckpointError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if args.list_styles:
        print("\n".join(continuer.styles))
        return 0
    try:
        score = read_score(args.seed)
        variations = continuer.continue_score(
            score, length=args.length, bars=args.bars, variations=args.variations, style=args.style,
            temperature=args.temperature, top_p=args.top_p, key=args.key, seed=args.random_seed)
    except (ScoreFileError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    out = Path(args.out)
    for number, variation in enumerate(variations, start=1):
        path = out if len(variations) == 1 else out.with_name(f"{out.stem}-{number}{out.suffix}")
        try:
            write_midi(variation, path, only_generated=args.only_continuation)
        except ScoreFileError as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
        added = sum(n.generated for n in variation.notes)
        print(f"{path}: {len(variation.notes) - added} seed notes + {added} new notes")
    return 0
