"""Measure each groove_* style's basic beat on the Groove MIDI Dataset's training split and write
composer/model/style_beats.json (the beat a drum part added in that style starts from).

    python scripts/measure_style_beats.py [--cache DIR] [--out composer/model/style_beats.json]

Source: the Groove MIDI Dataset (Gillick et al. 2019, magenta.tensorflow.org/datasets/groove),
CC BY 4.0, as read into the training corpus (composer data build). Written: for each style, one
key per limb (kick, snare hand, time-keeping hand: its most played of hi-hat and ride, the hi-hat
foot) and the positions of a 4/4 bar where that limb plays in at least SHARE of the style's bars
(a statistic, no notes), so that the beat is one two hands and two feet can play: per-key odds
stacked 4-6 drums on a beat and lost the kick and backbeat (QA qa14 D1, D2). A style played in
3/4 by at least OTHER_METER_PIECES training pieces has its 3/4 beat too (under "3/4"; positions
played in each piece): jazz's two waltzes (ride on one, two and its swung skip, three; the hi-hat
foot on two and three; the kick on one), where the 4/4 beat cannot be cut to fit (QA qa15 L4: a
rock waltz, eighth hats and snare on two and three).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from composer.data.corpus import load_corpus  # noqa: E402

BAR = 1920  # 4/4 in score ticks: 1127 of the 1150 Groove pieces
LIMBS = {"kick": (35, 36), "snare": (37, 38, 40), "hand": (42, 46, 51, 53, 59), "foot": (44,)}
SHARE = 0.4  # a limb plays a position of the beat where it does in this share of the style's bars
RELATIVE = 0.5  # ... and in at least this share of its busiest position's
ACCENTS = 0.9  # a limb that would play over half the positions (a snare stream): its accents only, this share
UNITS = {"straight": 120, "swung": 160}  # sixteenths; eighth-note triplets
OTHER_METERS = {"3/4": (3, 1440)}  # measured besides 4/4: (numerator, bar ticks)
OTHER_METER_PIECES = 2  # pieces a style needs in such a meter: one drummer's one take is no style's beat


def measure(pieces, bar: int = BAR) -> dict:
    onsets = np.concatenate([p.notes[:, 0] for p in pieces])
    since = onsets % 480
    # the grid the style is played on: the one its onsets lie nearer to, relative to its unit
    fit = {g: float(np.mean(np.minimum(since % u, u - since % u))) / u for g, u in UNITS.items()}
    grid = min(fit, key=fit.get)
    unit = UNITS[grid]
    n_pos = bar // unit
    played = {limb: np.zeros(n_pos) for limb in LIMBS}
    bars = 0
    hands = np.zeros(128)
    for p in pieces:
        q = np.rint(p.notes[:, 0] / unit).astype(np.int64)
        bars += int(q.max()) // n_pos + 1
        for limb, keys in LIMBS.items():
            cells = np.unique(q[np.isin(p.notes[:, 2], keys)])  # (bar, position) cells the limb plays
            played[limb] += np.bincount(cells % n_pos, minlength=n_pos)
        np.add.at(hands, p.notes[np.isin(p.notes[:, 2], LIMBS["hand"]), 2], 1)
    out = {"grid": grid, "bars": bars,
           "keys": {"kick": 36, "snare": 38, "hand": int(np.argmax(hands)), "foot": 44}}
    for limb in LIMBS:
        share = played[limb] / bars
        chosen = np.flatnonzero((share >= SHARE) & (share >= RELATIVE * share.max()))
        if len(chosen) > n_pos // 2:  # New Orleans, country, Latin snares play nearly everywhere
            chosen = np.flatnonzero(share >= ACCENTS * share.max())
        out[limb] = [int(i) for i in chosen]
    return out


def measure_each(pieces, bar: int) -> dict:
    """measure() of the pieces together, keeping of each limb only the positions it plays in every
    piece's own measure(): with a few takes, one drummer's habit in one take is no style's beat
    (jazz's 3/4 snare: 57 % of one take's bars on the and of three, 36 % of the other's; and a
    lone snare there outweighed the ride on three, which 12 of 96 added bars then skipped)."""
    together = measure(pieces, bar)
    for one in (measure([piece], bar) for piece in pieces):
        for limb in LIMBS:
            together[limb] = [p for p in together[limb] if one["grid"] == together["grid"] and p in one[limb]]
    return together


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", default=None, help="corpus cache folder (default: composer's)")
    parser.add_argument("--out", default=str(Path(__file__).resolve().parent.parent / "composer/model/style_beats.json"))
    args = parser.parse_args()
    corpus = load_corpus(args.cache)
    styles = {}
    for style in sorted({p.style for p in corpus.pieces if p.style.startswith("groove_")}):
        pieces = [p for p in corpus.pieces if p.style == style and p.split == "train" and p.time_signature == (4, 4)
                  and len(p.meters) == 1 and len(p.notes)]
        if pieces:
            styles[style] = measure(pieces)
            print(style, styles[style])
        for meter, (numerator, bar) in OTHER_METERS.items():
            pieces = [p for p in corpus.pieces if p.style == style and p.split == "train"
                      and p.time_signature == (numerator, 4) and len(p.meters) == 1 and len(p.notes)]
            if style in styles and len(pieces) >= OTHER_METER_PIECES:
                styles[style][meter] = measure_each(pieces, bar)
                print(style, meter, styles[style][meter])
    document = {"source": "Groove MIDI Dataset (Gillick, Roberts, Engel, Eck, Bamman 2019), training split, 4/4 "
                          "pieces; licence CC BY 4.0. Statistics only (scripts/measure_style_beats.py).",
                "positions": "of a 4/4 bar (of a 3/4 bar under \"3/4\"), in sixteenths (grid straight) or "
                             "eighth-note triplets (swung)",
                "styles": styles}
    lines = [f"  {json.dumps(style)}: {json.dumps(beat)}" for style, beat in styles.items()]
    head = json.dumps({k: v for k, v in document.items() if k != "styles"}, indent=1)[:-2]
    Path(args.out).write_text(head + ',\n "styles": {\n' + ",\n".join(lines) + "\n }\n}\n")  # a style a line
    print("wrote", args.out, Path(args.out).stat().st_size, "bytes")


if __name__ == "__main__":
    main()
