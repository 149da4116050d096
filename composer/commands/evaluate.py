"""`composer evaluate`: the fixed evaluation protocol (see composer/evaluate.py), model vs the PPM
baseline (long-term + short-term model) vs the n-gram, for the continue, fill and accompany tasks."""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", metavar="PATH", help="files or folders to evaluate on (a sub-folder "
                        "named like one of the model's styles gives its pieces that style)")
    parser.add_argument("--split", choices=["train", "validation", "test"],
                        help="evaluate on this split of the corpus cache instead of (or as well as) PATHs")
    parser.add_argument("--task", choices=["continue", "fill", "accompany"], default="continue",
                        help="continue: the melody after a 16-note seed; fill: two bars after the 16th note with "
                        "both sides known (and the same notes continued); accompany: the bass of polyphonic "
                        "pieces given the other voices (default: continue)")
    parser.add_argument("--model", default=None, help="checkpoint (default: the shipped model), or 'baselines' "
                        "(also 'ngram', 'ppm') for the baselines alone")
    parser.add_argument("--cache", help="corpus cache whose training split fits the baselines' long-term models")
    parser.add_argument("--seed-notes", type=int, default=16, help="notes given before the scored ones (the protocol: 16)")
    parser.add_argument("--max-notes", type=int, default=64, help="most notes scored per piece (the protocol: 64)")
    parser.add_argument("--by-style", action="store_true", help="one row per style as well")
    parser.add_argument("--unlabeled", choices=["infer", "neutral"], default="infer",
                        help="pieces of no style the model knows (files outside a style-named folder): infer = "
                             "each note predicted by the mixture of the model's styles weighted by their "
                             "posterior given the notes before it (default); neutral = the neutral style")
    parser.add_argument("--json", action="store_true", help="print the result as one JSON object, last line")


def _file_pieces(paths, styles):
    from pathlib import Path

    from composer.evaluate import EvalPiece
    from composer.io import SCORE_SUFFIXES, ScoreFileError, read_scores
    from composer.model.encoding import notes_to_array

    pieces, problems, names = [], [], {}
    for root in map(Path, paths):
        files = sorted(p for p in root.rglob("*") if p.suffix.lower() in SCORE_SUFFIXES) if root.is_dir() else [root]
        for file in files:
            style = next((part for part in reversed(file.parent.parts) if part in styles), None)
            try:
                scores = read_scores(file)
                for index, score in enumerate(scores):
                    meters = [(m.tick, m.numerator, m.denominator) for m in getattr(score, "meters", [])]
                    pieces.append(EvalPiece(notes_to_array(score.notes), style,
                                            (score.time_signature.numerator, score.time_signature.denominator),
                                            tuple(i for i, v in enumerate(score.voices) if v.is_drum),
                                            meters=meters or None))
                    names[id(pieces[-1])] = f"{file} (piece {index + 1})" if len(scores) > 1 else str(file)
            except ScoreFileError as error:
                problems.append(str(error))
    return pieces, problems, names


def _unusable(task: str, seed_notes: int) -> str:
    return {"continue": f"its melody has no note after the {seed_notes}-note seed",
            "fill": f"it has no notes in and after the two bars after its {seed_notes}th melody note",
            "accompany": f"it has no two pitched voices with a bass longer than {seed_notes} notes"}[task]


def _flat(entry: dict) -> dict:
    """One report entry as JSON: the model's row at the top level, the others as sub-objects."""
    out = dict(entry.get("model", {}))
    out.update({k: v for k, v in entry.items() if k != "model"})
    return out


def run(args: argparse.Namespace) -> int:
    import json
    import sys

    import torch

    from composer.data.cache import CORPUS
    from composer.data.corpus import CorpusNotBuiltError, corpus_fingerprint, load_corpus
    from composer.evaluate import (Baseline, EvalPiece, PPMBaseline, accompany_cases, continue_cases,
                                   evaluate_model, fill_cases, format_report, log_stderr, report)
    from composer.generate import default_model_path
    from composer.model.checkpoint import CheckpointError, load_checkpoint

    torch.set_num_threads(min(2, torch.get_num_threads()))
    if not args.paths and not args.split:
        print("error: give files/folders to evaluate on, or --split test", file=sys.stderr)
        return 2
    checkpoint = None
    if args.model not in ("baselines", "ngram", "ppm"):
        try:
            checkpoint = load_checkpoint(args.model or default_model_path())
        except CheckpointError as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
    try:
        corpus = load_corpus(args.cache)
    except CorpusNotBuiltError as error:
        if args.split:
            print(f"error: --split needs the corpus ({error})", file=sys.stderr)
            return 2
        corpus = None
        print(f"note: the corpus baselines (the PPM's long-term model and the n-gram) are fitted on the corpus "
              f"training split, which is not built ({error}).\nScoring the model and the PPM's short-term model "
              "(the piece so far) only; for the corpus baselines build it with: composer data build", file=sys.stderr)

    styles = set(checkpoint.styles if checkpoint else corpus.styles if corpus else ())
    pieces, problems, names = _file_pieces(args.paths, styles)
    for problem in problems:
        print(f"skipped {problem}", file=sys.stderr)
    if args.split:
        pieces += [EvalPiece.of(p) for p in corpus.split(args.split)]
    if not pieces:
        print("error: no readable pieces to evaluate", file=sys.stderr)
        return 2

    if args.task == "continue":
        cases, extra = continue_cases(pieces, args.seed_notes, args.max_notes), None
    elif args.task == "fill":
        pairs = fill_cases(pieces, args.seed_notes)
        cases, extra = [p[0] for p in pairs], [p[1] for p in pairs]
    else:
        cases, extra = accompany_cases(pieces, args.seed_notes, args.max_notes), None
    scored = {id(c.piece) for c in cases}
    for piece in pieces:
        if id(piece) in names and id(piece) not in scored:  # said, not silently dropped
            print(f"not scored: {names[id(piece)]}: {_unusable(args.task, args.seed_notes)}", file=sys.stderr)
    if not cases:
        print(f"error: no piece can be scored for --task {args.task} (in each, {_unusable(args.task, args.seed_notes)})",
              file=sys.stderr)
        return 2

    line = "bass" if args.task == "accompany" else "melody"
    ngram = None
    if corpus is not None:
        train = [EvalPiece.of(p) for p in corpus.split("train")]
        validation = [EvalPiece.of(p) for p in corpus.split("validation")]
        print(f"fitting the PPM and n-gram baselines on the {line} lines of {len(train)} training pieces ...",
              file=sys.stderr)
        ppm = PPMBaseline.fit(train, validation, line=line, seed_notes=args.seed_notes, max_notes=args.max_notes,
                              log=log_stderr, settings_file=corpus.cache_dir / "ppm_settings.json",
                              fingerprint=corpus_fingerprint(corpus.cache_dir / CORPUS))
        ngram = Baseline.fit(train, validation, line=line)
    else:
        ppm = PPMBaseline.short_term_only()

    rows = {}
    unlabeled = sum(1 for c in cases if checkpoint is not None and c.piece.style not in checkpoint.styles)
    if unlabeled:
        how = (f"each note predicted by the mixture of the model's {len(checkpoint.styles)} styles weighted by "
               "their posterior given the notes before it (--unlabeled neutral: the neutral style)"
               if args.unlabeled == "infer" else "in the neutral style (--unlabeled infer: the mixture of its styles)")
        print(f"{unlabeled} of {len(cases)} pieces have no style the model knows: {how}", file=sys.stderr)
    if checkpoint is not None:
        rows["model"] = evaluate_model(checkpoint, cases, unlabeled=args.unlabeled)
        if extra is not None:
            rows["continue"] = evaluate_model(checkpoint, extra, unlabeled=args.unlabeled)
    rows.update(ppm.evaluate(cases))
    if ngram is not None:
        rows["ngram"] = ngram.evaluate(cases)
    result = report(rows)
    if not args.by_style:
        result = {"all": result["all"]}
    print(format_report(result, args.task))
    if args.json:
        overall = _flat(result["all"])
        overall["task"] = args.task
        if "ppm" in overall:
            overall["ppm"] = {**overall["ppm"], "settings": ppm.settings()}
        if ngram is not None:
            overall["ngram"] = {**overall["ngram"], "orders": ngram.orders()}
        if args.by_style:
            overall["by_style"] = {k: _flat(v) for k, v in result.items() if k != "all"}
        overall["model"] = "baselines" if checkpoint is None else str(args.model or default_model_path())
        if unlabeled:
            overall["unlabeled"] = {"pieces": unlabeled, "style": args.unlabeled}
        if corpus is None:
            overall["corpus_baselines"] = "not built: run `composer data build`"
        print(json.dumps(overall))
    return 0
