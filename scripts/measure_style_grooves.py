"""Measure each groove_* style's drum profile on the Groove MIDI Dataset's training split and write
composer/model/style_grooves.json (the default groove of a drum part added in that style).

    python scripts/measure_style_grooves.py [--cache DIR] [--out composer/model/style_grooves.json]

Source: the Groove MIDI Dataset (Gillick et al. 2019, magenta.tensorflow.org/datasets/groove),
CC BY 4.0, as read into the training corpus (composer data build). Only statistics are written
(per key and bar position: log-ratios, onset shares, stacking rates, 4/4 bars), never notes.
Each style twice: onsets quantised to sixteenths ("straight", step 3) and to eighth-note
triplets ("swung", step 4; a straight style's sixteenths e, and, a go to the triplets 1, 3, 3:
swung), since a played groove lies on neither exactly (composer.model.priors.grid_of says None
for most pieces). "grid": the one the style's onsets lie nearer to (jazz, Afro-Cuban: triplets).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from composer.data.corpus import load_corpus  # noqa: E402
from composer.model import vocab as V  # noqa: E402
from composer.model.priors import groove_profile  # noqa: E402

BAR = 4 * V.TICKS_PER_QUARTER  # 4/4 only: 1127 of the 1150 Groove pieces
MAX_KEYS = 8  # a style's kit: its most played keys, each at least KEY_SHARE of its notes
KEY_SHARE = 0.01
GRIDS = {"straight": 3, "swung": 4}


def measure(pieces) -> dict:
    notes = np.concatenate([p.notes for p in pieces])
    counts = np.bincount(notes[:, 2], minlength=V.N_PITCH)
    keys = [int(k) for k in np.argsort(-counts, kind="stable")[:MAX_KEYS] if counts[k] >= KEY_SHARE * len(notes)]
    # Each piece's bars numbered apart, so one piece's bar never shares onsets with another's.
    offsets = np.cumsum([0] + [int(p.notes[:, 0].max()) // BAR + 2 for p in pieces[:-1]]) * BAR
    onsets = np.concatenate([p.notes[:, 0] + o for p, o in zip(pieces, offsets)])
    out = {"keys": keys, "pieces": len(pieces)}
    # The grid the style is played on: the one its onsets lie nearer to, relative to its step (as grid_of).
    since = onsets % V.TICKS_PER_QUARTER
    fit = {name: float(np.mean(np.minimum(since % (s * V.TICKS_PER_GRID), s * V.TICKS_PER_GRID - since % (s * V.TICKS_PER_GRID))))
           / (s * V.TICKS_PER_GRID) for name, s in GRIDS.items()}
    out["grid"] = min(fit, key=fit.get)
    out["fit"] = {name: round(f, 3) for name, f in fit.items()}
    for name, step in GRIDS.items():
        unit = step * V.TICKS_PER_GRID
        quantised = np.rint(onsets / unit).astype(np.int64) * unit
        if name == "swung" and out["grid"] == "straight":
            # A straight style swung: its sixteenths e, and, a to the triplets 1, 3, 3 (played eighths
            # straddle the middle of a quarter's triplets, and split between 1 and 2 quantised directly).
            sixteenth = np.rint(onsets / (V.TICKS_PER_QUARTER // 4)).astype(np.int64)
            quantised = sixteenth // 4 * V.TICKS_PER_QUARTER + np.array([0, 1, 2, 2])[sixteenth % 4] * unit
        profile = groove_profile(quantised % BAR, np.full(len(quantised), BAR), notes[:, 2], quantised)
        assert profile.step == step, (name, profile.step)
        slots = np.arange(0, BAR // V.TICKS_PER_GRID, step)
        rows = keys + [-1]  # -1: any other key (the profile of all keys)
        other = next(k for k in range(V.N_PITCH) if counts[k] == 0)

        def table(array, scale):
            return [[int(round(scale * array[other if k < 0 else k, s])) for s in slots] for k in rows]
        out[name] = {"step": step,
                     "log_ratio": table(profile.log_ratio, 100), "log_top": table(profile.log_top, 100),
                     "stack": table(profile.stack, 100)[:-1],
                     "occupancy": [int(round(100 * profile.occupancy[s])) for s in slots]}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", default=None, help="corpus cache folder (default: composer's)")
    parser.add_argument("--out", default=str(Path(__file__).resolve().parent.parent / "composer/model/style_grooves.json"))
    args = parser.parse_args()
    corpus = load_corpus(args.cache)
    styles = {}
    for style in sorted({p.style for p in corpus.pieces if p.style.startswith("groove_")}):
        pieces = [p for p in corpus.pieces if p.style == style and p.split == "train" and p.time_signature == (4, 4)
                  and len(p.meters) == 1 and len(p.notes)]
        if pieces:
            styles[style] = measure(pieces)
            print(style, len(pieces), "pieces, kit", styles[style]["keys"], styles[style]["grid"], styles[style]["fit"])
    document = {"source": "Groove MIDI Dataset (Gillick, Roberts, Engel, Eck, Bamman 2019), training split, "
                          "4/4 pieces; licence CC BY 4.0. Statistics only (scripts/measure_style_grooves.py).",
                "bar": "4/4, positions every step grid units (1/12 quarter) from the bar line",
                "scale": "log_ratio, log_top x100 (nats); stack, occupancy x100 (percent); rows: keys, then any other key",
                "styles": styles}
    Path(args.out).write_text(json.dumps(document, separators=(",", ":")) + "\n")
    print("wrote", args.out, Path(args.out).stat().st_size, "bytes")


if __name__ == "__main__":
    main()
