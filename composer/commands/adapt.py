"""`composer adapt`: teach the co-writer a new style from a folder of your own music (see composer/adapt.py)."""

from __future__ import annotations

import argparse
import math


def _positive(convert):
    """An argparse type: a finite number above 0 (0 threads meant every core; 0 or -3 minutes ran anyway)."""

    def parse(text: str):
        try:
            value = convert(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a{' whole' if convert is int else ''} number") from None
        if not math.isfinite(value) or value <= 0:
            raise argparse.ArgumentTypeError(f"{text!r}: give a number above 0")
        return value

    return parse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", required=True, metavar="FOLDER",
                        help="folder of MIDI/ABC/MusicXML/krn files (sub-folders included), all in the new style")
    parser.add_argument("--style", required=True, metavar="NAME", help="name of the new style, e.g. my_jigs")
    parser.add_argument("-o", "--out", help="checkpoint to write (default: the styles folder, "
                        "${XDG_DATA_HOME:-~/.local/share}/composer/styles/NAME.safetensors, where the app finds it)")
    parser.add_argument("--model", help="base checkpoint to adapt (default: the shipped model)")
    parser.add_argument("--max-minutes", type=_positive(float), default=10.0, help="time budget (default 10)")
    parser.add_argument("--lr", type=_positive(float), default=1e-3, help="learning rate of the new style's own weights "
                        "(default 1e-3)")
    parser.add_argument("--style-lr", type=_positive(float), default=1e-2, help="learning rate of the new style's row")
    parser.add_argument("--patience", type=_positive(int), default=6, help="early stopping: epochs without improvement")
    parser.add_argument("--train", choices=["auto", "style", "top", "all"], default="auto",
                        help="auto (default): first the new style's row alone, then every weight, kept if it "
                             "predicts the folder's validation pieces better; or one stage of: style (the row "
                             "only), top (+ output side), all (everything). Tuned weights serve the new style "
                             "only: the model's other styles keep the base weights and do not change")
    parser.add_argument("--mix", type=float, default=0.0, help="original-corpus pieces mixed in per folder "
                        "piece, as a regulariser (default 0; from the corpus cache, or a small rehearsal set of "
                        "music21's corpus parsed once)")
    parser.add_argument("--cache", help="corpus cache for mixing and the old styles' figures (default: the "
                        "`composer data build` cache)")
    parser.add_argument("--threads", type=_positive(int), help="CPU threads for torch (default: all cores)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (same seed, same run)")
    parser.add_argument("--force", action="store_true", help="replace an adapted style of the same name")
    parser.add_argument("--quiet", action="store_true", help="no progress bars")


def run(args: argparse.Namespace) -> int:
    import sys

    from composer.adapt import AdaptConfig, AdaptError, adapt, style_slug, styles_dir
    from composer.model.checkpoint import CheckpointError

    try:
        name = style_slug(args.style)
    except AdaptError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    from pathlib import Path

    out = Path(args.out) if args.out else styles_dir() / f"{name}.safetensors"
    try:
        exists = out.exists()
    except OSError as error:  # e.g. a file name too long
        print(f"error: {out}: {error.strerror or error}; choose another -o", file=sys.stderr)
        return 2
    if exists and not args.force:
        print(f"error: {out} exists already; choose another --style name, another -o, or add --force to replace it",
              file=sys.stderr)
        return 2
    config = AdaptConfig(style=args.style, base=args.model, out=str(out), max_minutes=args.max_minutes, lr=args.lr,
                         style_lr=args.style_lr, patience=args.patience, train=args.train, mix=args.mix,
                         corpus_cache=args.cache, seed=args.seed, threads=args.threads)
    try:
        result = adapt(config, args.data, progress=not args.quiet)
    except (AdaptError, CheckpointError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except OSError as error:  # writing the result failed (disk full, removed folder): say so, no traceback
        print(f"error: {getattr(error, 'filename', None) or out}: {error.strerror or error}", file=sys.stderr)
        return 2
    a = result.info["adapt"]
    print(f"new style {a['style']!r}: {a['pieces']['train']} pieces learned in {a['seconds'] / 60:.1f} min; "
          f"checkpoint {result.out}, model card {result.card}")
    print(f"use it: composer continue seed.mid -o out.mid --model {result.out} --style {a['style']}"
          + ("" if args.out else "  (the window lists it under Co-writer ▸ Style)"))
    return 0
