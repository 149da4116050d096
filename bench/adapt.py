"""Adapting the co-writer to a folder of real music it never saw (composer adapt).

    nice -n 10 python bench/adapt.py [--model models/default.safetensors] [--openewld DIR | --abc FILE]
        [--pieces 100] [--heldout 60] [--threads 2] [--max-minutes 10] [--modes auto,all] [--lr 3e-4,3e-4]

The "user's folder": `--pieces` lead sheets of OpenEWLD (public-domain popular songs 1880s-1950s,
../shared/datasets/openewld; the shipped model was trained on music21's corpus only, so it never
saw them), chosen by a fixed shuffle; `--heldout` more of them are never shown to adapt and give
the held-out figures. `--abc FILE` takes the tunes of one ABC collection instead (split into one
file per tune), e.g. music21's Northumbrian Minstrelsy (129 tunes), which no corpus style reads,
for a model that was trained on OpenEWLD. Old styles: a small build of music21's corpus (a few files per style, the
same hash split as the full corpus) gives the pieces mixed in and, from its validation + test
splits (never trained on; less the pieces adapt measures for its card), the base styles' figures
before and after (the adapted checkpoint writes them with the base weights: they must not move).

Reports per mode: wall time on --threads CPU threads; pitch cross-entropy (evaluation protocol,
nats per note) on the held-out pieces for the base model (neutral, and its best style) and the
adapted style, and the change; the base styles' pitch cross-entropy before/after and the worst
change. Targets (issue 15): <= 10 min, >= 10 % lower pitch CE, base styles move <= 2 %.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import composer  # noqa: E402,F401  (sets OMP_WAIT_POLICY before torch loads, as the app does)
import numpy as np  # noqa: E402
import torch  # noqa: E402

from composer.adapt import (REHEARSAL_FILES, AdaptConfig, adapt, eval_pieces, pitch_figures, read_folder,  # noqa: E402
                            style_figures)
from composer.generate import default_model_path  # noqa: E402
from composer.model.checkpoint import load_checkpoint  # noqa: E402

OPENEWLD = Path(__file__).resolve().parent.parent.parent / "shared" / "datasets" / "openewld"



def link_folder(files: list[Path], folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i, file in enumerate(files):
        link = folder / f"{i:03d}_{file.name}"
        if not link.exists():
            link.symlink_to(file)
    return folder


def split_abc(collection: Path, folder: Path) -> list[Path]:
    """One .abc file per tune (X: field) of an ABC collection, the file header (before the first
    tune) kept in each."""
    text = collection.read_text(encoding="utf-8", errors="replace")
    parts = re.split(r"(?m)^(?=X:)", text)
    header, tunes = ("", parts) if parts[0].startswith("X:") else (parts[0], parts[1:])
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for i, tune in enumerate(tunes):
        file = folder / f"{collection.stem}_{i:03d}.abc"
        file.write_text(header + tune, encoding="utf-8")
        files.append(file)
    return files


def corpus_cache(work: Path) -> Path:
    from composer.data.build import build_corpus
    from composer.data.sources import Music21CorpusSource

    cache = work / "corpus"
    report = build_corpus([Music21CorpusSource(only=REHEARSAL_FILES)], cache, progress=False, workers=2)
    print(f"corpus subset: {report.pieces} pieces ({report.seconds:.0f} s)", file=sys.stderr)
    return cache


def old_style_figures(checkpoint, pieces) -> dict[str, float]:
    """Pitch cross-entropy per style, each piece with its own style."""
    return style_figures(checkpoint, [e for p in pieces for e in eval_pieces([p], p.style)])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default=str(default_model_path()))
    parser.add_argument("--openewld", default=str(OPENEWLD))
    parser.add_argument("--abc", help="an ABC collection whose tunes are the folder and the held-out pieces")
    parser.add_argument("--pieces", type=int, default=100)
    parser.add_argument("--heldout", type=int, default=60)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--max-minutes", type=float, default=10.0)
    parser.add_argument("--modes", default="auto", help="comma-separated: auto (the default two stages), style, top, all")
    parser.add_argument("--lr", default="", help="comma-separated learning rate per mode (default: adapt's)")
    parser.add_argument("--mix", type=float, default=AdaptConfig.mix)
    parser.add_argument("--patience", type=int, default=6)
    parser.add_argument("--work", default="/tmp/composer-bench-adapt")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    work = Path(args.work)
    source = args.abc or args.openewld
    files = split_abc(Path(args.abc), work / "tunes") if args.abc else sorted(Path(args.openewld).rglob("*.mxl"))
    if len(files) < args.pieces + args.heldout:
        print(f"error: {source} has {len(files)} pieces; need {args.pieces + args.heldout}", file=sys.stderr)
        return 2
    order = np.random.default_rng(15).permutation(len(files))
    folder = link_folder([files[i] for i in order[:args.pieces]], work / "folder")
    heldout_dir = link_folder([files[i] for i in order[args.pieces:args.pieces + args.heldout]], work / "heldout")
    heldout = read_folder(heldout_dir, "user", work / "heldout-cache", progress=False).pieces
    cache = corpus_cache(work)
    from composer.data.corpus import load_corpus

    unseen = [p for p in load_corpus(cache).pieces if p.split in ("validation", "test")]
    # adapt measures the first `forgetting_pieces` of each style for its card; the bench judges on the rest.
    per_style: dict[str, int] = {}
    judged = []
    for piece in unseen:
        per_style[piece.style] = per_style.get(piece.style, 0) + 1
        if per_style[piece.style] > AdaptConfig.forgetting_pieces:
            judged.append(piece)
    base = load_checkpoint(args.model)
    unseen = [p for p in judged if p.style in base.styles]  # a base trained without a style has no figure for it
    base_rows = {"neutral": pitch_figures(base, heldout, "neutral")}
    for name in base.styles[1:]:
        base_rows[name] = pitch_figures(base, heldout, name)
    best_style = min(base_rows, key=lambda k: base_rows[k]["pitch_nll"])
    old_before = old_style_figures(base, unseen)
    results = {"model": args.model, "source": source, "threads": args.threads, "folder_pieces": args.pieces,
               "heldout_pieces": len(heldout), "heldout_notes": base_rows["neutral"].get("notes"),
               "base_neutral_pitch_nll": round(base_rows["neutral"]["pitch_nll"], 4),
               "base_best_style": best_style, "base_best_pitch_nll": round(base_rows[best_style]["pitch_nll"], 4),
               "old_styles_pieces": len(unseen), "modes": {}}
    lrs = [float(x) for x in args.lr.split(",")] if args.lr else []
    for i, mode in enumerate(args.modes.split(",")):
        label = f"{mode}@{lrs[i]:g}" if i < len(lrs) else mode
        out = work / f"adapted-{i}-{mode}.safetensors"
        config = AdaptConfig(style="user", base=args.model, out=str(out), max_minutes=args.max_minutes, train=mode,
                             mix=args.mix, corpus_cache=str(cache), threads=args.threads,
                             patience=args.patience,
                             **({"lr": lrs[i]} if i < len(lrs) else {}))
        started = time.perf_counter()
        result = adapt(config, folder, log=lambda line: print(line, file=sys.stderr), progress=False,
                       folder_cache=work / "folder-cache")
        seconds = time.perf_counter() - started
        adapted = load_checkpoint(out)
        after = pitch_figures(adapted, heldout, "user")["pitch_nll"]
        old_after = old_style_figures(adapted, unseen)
        worst = max(old_after[k] / old_before[k] - 1.0 for k in old_before)
        results["modes"][label] = {
            "seconds": round(seconds, 1), "epochs": result.info["adapt"]["epochs"], "lr": config.lr,
            "init": result.info["adapt"]["init"], "heldout_pitch_nll": round(after, 4),
            "vs_base_neutral": round(after / results["base_neutral_pitch_nll"] - 1.0, 4),
            "vs_base_best_style": round(after / results["base_best_pitch_nll"] - 1.0, 4),
            "folder_test_before_after": [round(result.info["adapt"]["before"]["pitch_nll"], 4),
                                         round(result.info["adapt"]["after"]["pitch_nll"], 4)],
            "old_styles_before": old_before, "old_styles_after": old_after, "old_styles_worst_change": round(worst, 4)}
        m = results["modes"][label]
        print(f"{label}: {seconds / 60:.1f} min, {m['epochs']} epochs; held-out pitch CE {after:.3f} "
              f"({m['vs_base_neutral']:+.1%} vs base neutral {results['base_neutral_pitch_nll']:.3f}, "
              f"{m['vs_base_best_style']:+.1%} vs base best style {best_style} {results['base_best_pitch_nll']:.3f}); "
              f"old styles worst change {worst:+.2%}")
    if args.json:
        print(json.dumps(results))
    return 0


if __name__ == "__main__":
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    sys.exit(main())
