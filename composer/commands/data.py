"""`composer data build` and `composer data info`: the training corpus cache."""

from __future__ import annotations

import argparse
import sys


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="data_command", metavar="ACTION", required=True)
    build = actions.add_parser("build", help="parse the sources into the corpus cache (only new or changed files)")
    build.add_argument("--source", action="append", metavar="default|FOLDER",
                       help="'default' (music21's bundled corpus), a data set folder (Groove MIDI, WJazzD CSV, "
                            "OpenEWLD: recognised by their layout) or a folder of MIDI/ABC/MusicXML/krn files whose "
                            "first-level sub-folders name the styles. Repeat for several; default: default")
    build.add_argument("--cache", metavar="DIR", help="cache directory (default: $COMPOSER_CACHE or "
                                                      "~/.cache/composer/corpus)")
    build.add_argument("--workers", type=int, metavar="N", help="parsing processes (default: one per CPU core)")
    build.add_argument("--force", action="store_true", help="parse every file again, ignoring cached entries")
    build.add_argument("--quiet", action="store_true", help="no progress bar")
    info = actions.add_parser("info", help="pieces, notes and hours per style and split in the corpus cache")
    info.add_argument("--cache", metavar="DIR", help="cache directory (default as for build)")


def _duration(seconds: float) -> str:
    if seconds >= 3600:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 60:.1f} min" if seconds >= 60 else f"{seconds:.0f} s"


def _table(title: str, rows: dict[str, list]) -> list[str]:
    width = max([len(title), *(len(name) for name in rows)])
    lines = [f"{title:<{width}}  {'pieces':>7}  {'notes':>10}  {'duration':>10}"]
    for name, (pieces, notes, seconds) in rows.items():
        lines.append(f"{name:<{width}}  {pieces:>7}  {notes:>10}  {_duration(seconds):>10}")
    return lines


def _style_tables(corpus) -> list[str]:
    """Per style (readable name and id, grouped melodic / groove): pieces, notes and hours in each split."""
    from composer.data.split import SPLITS
    from composer.data.styles import display_name, grouped_styles

    counts = {(style, split): [0, 0, 0.0] for style in corpus.styles for split in SPLITS}
    for piece in corpus.pieces:
        row = counts[piece.style, piece.split]
        row[0] += 1
        row[1] += len(piece.notes)
        row[2] += piece.seconds / 3600
    present = [s for s in corpus.styles if any(counts[s, split][0] for split in SPLITS)]
    labels = {style: f"{display_name(style)} [{style}]" for style in present}
    width = max([16, *(len(label) + 2 for label in labels.values())])
    cell = "{:>7} {:>8} {:>7}"
    lines = [" " * width + "  " + "  ".join(f"{' ' + split + ' ':-^24}" for split in SPLITS)]
    lines.append(" " * width + "  " + "  ".join(cell.format("pieces", "notes", "hours") for _ in SPLITS))
    for title, styles in grouped_styles(present):
        lines.append(title)
        for style in styles:
            cells = [cell.format(pieces, notes, f"{hours:.2f}") for pieces, notes, hours in
                     (counts[style, split] for split in SPLITS)]
            lines.append(f"  {labels[style]:<{width - 2}}  " + "  ".join(cells))
    missing = len(corpus.styles) - len(present)
    if missing:
        lines.append(f"({missing} known styles have no pieces in this cache)")
    return lines


def info_lines(corpus) -> list[str]:
    """The text `composer data info` prints for a loaded Corpus."""
    from composer.data.split import SPLITS

    by_split = {name: [0, 0, 0.0] for name in SPLITS}
    for piece in corpus.pieces:
        row = by_split[piece.split]
        row[0] += 1
        row[1] += len(piece.notes)
        row[2] += piece.seconds
    total = [sum(row[i] for row in by_split.values()) for i in range(3)]
    lines = [f"corpus cache: {corpus.cache_dir}", ""]
    lines += _style_tables(corpus) + [""] + _table("split", by_split | {"total": total})
    lines += ["", "as read (issue 10): " + ", ".join(f"{count} {what}" for what, count in reading_counts(corpus))]
    lines += ["", f"skipped files: {len(corpus.skipped)}"]
    lines += [f"  {name}: {reason}" for name, reason in corpus.skipped]
    return lines


READING_FEATURES = ("pickup", "repeats", "meter changes", "carried accidentals", "key-line accidentals",
                    "transposed parts", "dynamics", "grace notes", "multi-bar rests", "drums", "program changes")


def reading_counts(corpus) -> list[tuple[str, int]]:
    """How many pieces had each thing the readers interpret (Piece.features), e.g. pickups,
    repeats written out, meter changes, carried accidentals, transposed parts, dynamics."""
    counts = {name: 0 for name in READING_FEATURES}
    for piece in corpus.pieces:
        features = set(piece.features)
        if len(piece.meters) and int(piece.meters[0][0]) < 0:
            features.add("pickup")
        if len(piece.meters) > 1:
            features.add("meter changes")
        for name in features & counts.keys():
            counts[name] += 1
    labels = {"pickup": "with pickups", "repeats": "with repeats written out", "meter changes": "with meter changes",
              "carried accidentals": "with accidentals carried to the bar line",
              "key-line accidentals": "with key-line accidentals", "transposed parts": "with transposed parts",
              "dynamics": "with dynamics", "grace notes": "with grace notes", "multi-bar rests": "with multi-bar rests",
              "drums": "with percussion staves", "program changes": "with program changes mid-voice"}
    return [(labels[name], count) for name, count in counts.items()]


def run(args: argparse.Namespace) -> int:
    from composer.data import CorpusNotBuiltError, build_corpus, load_corpus

    if args.data_command == "build":
        try:
            report = build_corpus(args.source or ["default"], args.cache, workers=args.workers,
                                  progress=not args.quiet, force=args.force)
        except FileNotFoundError as error:
            print(f"composer data build: {error}", file=sys.stderr)
            return 2
        print(report.summary())
        return 0
    try:
        corpus = load_corpus(args.cache)
    except CorpusNotBuiltError as error:
        print(f"composer data info: {error}", file=sys.stderr)
        return 1
    print("\n".join(info_lines(corpus)))
    return 0
