"""`composer evaluate`: the fixed evaluation protocol (see composer/evaluate.py), model vs n-gram."""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", metavar="PATH", help="files or folders to evaluate on (a sub-folder "
                        "named like one of the model's styles gives its pieces that style)")
    parser.add_argument("--split", choices=["train", "validation", "test"],
                        help="evaluate on this split of the corpus cache instead of (or as well as) PATHs")
    parser.add_argument("--model", default=None, help="checkpoint (default: the shipped model), or 'ngram' for "
                        "the baseline alone")
    parser.add_argument("--cache", help="corpus cache whose training split fits the n-gram baseline")
    parser.add_argument("--seed-notes", type=int, default=16)
    parser.add_argument("--max-notes", type=int, default=64)
    parser.add_argument("--by-style", action="store_true", help="one row per style as well")
    parser.add_argument("--json", action="store_true", help="print the result as one JSON object, last line")


def _file_pieces(paths, styles):
    from pathlib import Path

    from composer.evaluate import EvalPiece
    from composer.io import SCORE_SUFFIXES, ScoreFileError, read_scores
    from composer.model.encoding import notes_to_array

    pieces, problems = [], []
    for root in map(Path, paths):
        files = sorted(p for p in root.rglob("*") if p.suffix.lower() in SCORE_SUFFIXES) if root.is_dir() else [root]
        for file in files:
            style = next((part for part in reversed(file.parent.parts) if part in styles), None)
            try:
                for score in read_scores(file):
                    pieces.append(EvalPiece(notes_to_array(score.notes), style,
                                            (score.time_signature.numerator, score.time_signature.denominator),
                                            tuple(i for i, v in enumerate(score.voices) if v.is_drum)))
            except ScoreFileError as error:
                problems.append(str(error))
    return pieces, problems


def run(args: argparse.Namespace) -> int:
    import json
    import sys

    import torch

    from composer.data.corpus import CorpusNotBuiltError, load_corpus
    from composer.evaluate import Baseline, EvalPiece, evaluate_model, format_report, report
    from composer.generate import default_model_path
    from composer.model.checkpoint import CheckpointError, load_checkpoint

    torch.set_num_threads(min(2, torch.get_num_threads()))
    if not args.paths and not args.split:
        print("error: give files/folders to evaluate on, or --split test", file=sys.stderr)
        return 2
    checkpoint = None
    if args.model != "ngram":
        try:
            checkpoint = load_checkpoint(args.model or default_model_path())
        except CheckpointError as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
    try:
        corpus = load_corpus(args.cache)
    except CorpusNotBuiltError as error:
        print(f"error: the n-gram baseline is fitted on the corpus training split, which is not built ({error}).\n"
              "Build it with: composer data build", file=sys.stderr)
        return 2

    def as_eval(piece):
        return EvalPiece(piece.notes, piece.style, tuple(piece.time_signature), tuple(piece.drum_voices))

    styles = set(checkpoint.styles if checkpoint else corpus.styles)
    pieces, problems = _file_pieces(args.paths, styles)
    for problem in problems:
        print(f"skipped {problem}", file=sys.stderr)
    if args.split:
        pieces += [as_eval(p) for p in corpus.split(args.split)]
    if not pieces:
        print("error: no readable pieces to evaluate", file=sys.stderr)
        return 2
    print(f"fitting the n-gram baseline on {len(corpus.split('train'))} training pieces ...", file=sys.stderr)
    baseline = Baseline.fit([as_eval(p) for p in corpus.split("train")],
                            [as_eval(p) for p in corpus.split("validation")])
    base_rows = baseline.evaluate(pieces, seed_notes=args.seed_notes, max_notes=args.max_notes)
    if not base_rows:
        print(f"error: no piece is longer than the {args.seed_notes}-note seed", file=sys.stderr)
        return 2
    model_rows = evaluate_model(checkpoint, pieces, seed_notes=args.seed_notes, max_notes=args.max_notes) \
        if checkpoint else None
    result = report(model_rows, base_rows)
    if not args.by_style:
        result = {"all": result["all"]}
    print(format_report(result))
    if args.json:
        overall = dict(result["all"])
        overall["baseline"] = {**overall["baseline"], "orders": baseline.orders()}
        if args.by_style:
            overall["by_style"] = {k: v for k, v in result.items() if k != "all"}
        overall["model"] = "ngram" if checkpoint is None else str(args.model or default_model_path())
        print(json.dumps(overall))
    return 0
