"""Musical checks of the co-writer on the test split (figures for the model card):

1. Drum grooves keep their feel: seeded with the first two bars of each Groove test groove (the
   "beat" takes; "fill" takes are one-off fills with no feel to keep), the model writes the next
   two bars of drums; the onset histogram over the 16 sixteenth positions of the bar (each onset
   at its nearest sixteenth: the seeds are performed) is correlated (Pearson) with the seed's. Also the model's drum onset (delta)
   accuracy, teacher-forced, against an interpolated n-gram of drum deltas (the first release's
   baseline, fitted on the Groove training split).
2. Chords are followed: on lead sheets with chords (OpenEWLD test pieces), the share of melody
   notes on strong beats (beat 1, and the middle of a bar of 4) that are chord tones, for the
   human melody and for the model's continuation of the first eight bars with the chords given;
   and the test-split pitch cross-entropy of those melodies with chords given vs withheld.

    python bench/cowriter_music.py [--model CKPT] [--variations 4] [--pieces N] [--only grooves|chords]
        [--split validation]   (tune on validation; the figures reported are the test split's)
    python bench/cowriter_music.py --human-shares   (people's chord tones on strong beats per style, train split)
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import composer  # noqa: E402,F401  (OMP_WAIT_POLICY before torch loads)
import numpy as np  # noqa: E402
import torch  # noqa: E402

from composer.data import load_corpus  # noqa: E402
from composer.generate import default_model_path  # noqa: E402
from composer.model import vocab as V  # noqa: E402
from composer.model.checkpoint import load_checkpoint  # noqa: E402
from composer.model.ngram import fit_best_order  # noqa: E402
from composer.model.region_writer import write_region  # noqa: E402
from composer.model.scoring import score_region  # noqa: E402
from composer.music import Note, Score, Voice  # noqa: E402
from composer.music.chords import QUALITIES, ChordSymbol, figure_of  # noqa: E402
from composer.music.meter import MeterChange  # noqa: E402
from composer.music.region import Region  # noqa: E402

SIXTEENTH = 120
TEMPLATES = {"maj": (0, 4, 7), "min": (0, 3, 7), "dim": (0, 3, 6), "aug": (0, 4, 8), "sus2": (0, 2, 7),
             "sus4": (0, 5, 7), "6": (0, 4, 7, 9), "min6": (0, 3, 7, 9), "dom7": (0, 4, 7, 10),
             "maj7": (0, 4, 7, 11), "min7": (0, 3, 7, 10), "minmaj7": (0, 3, 7, 11), "dim7": (0, 3, 6, 9),
             "hdim7": (0, 3, 6, 10), "aug7": (0, 4, 8, 10), "7sus4": (0, 5, 7, 10)}


def histogram(onsets: np.ndarray, bar: int, first: int = 0) -> np.ndarray:
    """Onsets per sixteenth position of the bar, each onset counted at its *nearest* sixteenth:
    Groove seeds are performed, and a backbeat played a few ticks early belongs to its beat, not
    to the sixteenth before it (flooring put it there)."""
    sixteenth = bar // 16
    return np.bincount((((onsets - first + sixteenth // 2) % bar) // sixteenth).astype(int),
                       minlength=16)[:16].astype(float)


def score_of(piece, notes=None) -> Score:
    notes = piece.notes if notes is None else notes
    voices = int(notes[:, 4].max()) + 1 if len(notes) else 1
    meters = [MeterChange(int(t), int(n), int(d)) for t, n, d in piece.meters] if len(piece.meters) else []
    score = Score(notes=[Note(int(p), int(o), max(1, int(d)), max(1, min(127, int(v))), int(vo))
                         for o, d, p, v, vo in notes.tolist()],
                  voices=[Voice(is_drum=i in piece.drum_voices) for i in range(voices)], meters=meters)
    return score


def grooves(checkpoint, corpus, variations: int, limit: int, split: str = "test") -> None:
    # Grooves are the Groove set's "beat" takes: a "fill" take is a one-off fill of a bar or two
    # (under 8 s), with no feel to keep; the first measurement counted those too.
    grooves_of = [p for p in corpus.split(split) if p.style.startswith("groove_") and p.drum_voices]
    test = [p for p in grooves_of if "(fill)" not in p.title][:limit]
    train = [p for p in corpus.split("train") if p.style.startswith("groove_") and p.drum_voices]
    correlations, model_hits, model_notes = [], 0, 0
    by_style: dict[str, list[float]] = {}
    model_by_style: dict[str, list[int]] = {}  # style -> [model hits, notes, n-gram hits, onsets]
    for piece in test:
        bar = int(piece.meters[0][1]) * 1920 // int(piece.meters[0][2]) if len(piece.meters) else 1920
        seed = piece.notes[piece.notes[:, 0] < 2 * bar]
        if len(seed) < 8:
            continue
        seed_hist = histogram(seed[:, 0], bar)
        score = score_of(piece, seed)
        region = Region(start=2 * bar, end=4 * bar, voices=tuple(sorted(piece.drum_voices)))
        for notes in write_region(checkpoint, score, region, style=piece.style, variations=variations, seed=7):
            new = np.array([n.onset for n in notes])
            if len(new) >= 4 and seed_hist.std() > 0:
                hist = histogram(new, bar)
                if hist.std() > 0:
                    correlations.append(float(np.corrcoef(seed_hist, hist)[0, 1]))
                    by_style.setdefault(piece.style, []).append(correlations[-1])
        scored = score_region(checkpoint, piece.notes, meters=piece.meters, style=piece.style,
                              region_start=2 * bar, voices=tuple(sorted(piece.drum_voices)),
                              drum_voices=piece.drum_voices, max_notes=256)
        model_hits += int(scored["delta_correct"].sum())
        model_notes += len(scored["delta_correct"])
        per_style = model_by_style.setdefault(piece.style, [0, 0, 0, 0])
        per_style[0] += int(scored["delta_correct"].sum())
        per_style[1] += len(scored["delta_correct"])
    print(f"groove feel: onset-histogram correlation, continuation vs seed, over {len(correlations)} "
          f"continuations of {len(test)} Groove {split} grooves (fills left out): "
          f"median {statistics.median(correlations):.3f}, "
          f"mean {statistics.mean(correlations):.3f}, share >= 0.8: {np.mean(np.array(correlations) >= 0.8):.1%}")
    print("  median per style: " + ", ".join(f"{style[7:]} {statistics.median(values):.2f} ({len(values)})"
                                             for style, values in sorted(by_style.items())))

    def deltas(piece):
        onsets = np.unique(np.rint(piece.notes[:, 0] / V.TICKS_PER_GRID).astype(int))
        return np.minimum(np.diff(onsets), V.MAX_DELTA).tolist()

    ngram = fit_best_order(V.N_DELTA, [deltas(p) for p in train[: len(train) * 9 // 10]],
                           [deltas(p) for p in train[len(train) * 9 // 10:]])
    hits = total = 0
    for piece in test:
        seq = deltas(piece)
        for i in range(16, min(len(seq), 272)):
            hit = int(np.argmax(ngram.distribution(seq[:i])) == seq[i])
            hits += hit
            total += 1
            per_style = model_by_style.setdefault(piece.style, [0, 0, 0, 0])
            per_style[2] += hit
            per_style[3] += 1
    print(f"drum onsets, teacher-forced: model delta accuracy {model_hits / max(1, model_notes):.1%} "
          f"({model_notes} notes); n-gram (order {ngram.order}) {hits / max(1, total):.1%} (distinct onsets, {total})")
    print("  per style, model / n-gram: " + ", ".join(
        f"{style[7:]} {m / max(1, n):.1%} / {g / max(1, t):.1%}" for style, (m, n, g, t) in sorted(model_by_style.items())))


def chord_tone_share(notes: np.ndarray, chords: np.ndarray, meters) -> tuple[int, int]:
    """(chord tones, notes) among melody notes on strong beats."""
    bar = int(meters[0][1]) * 1920 // int(meters[0][2]) if len(meters) else 1920
    first = int(meters[0][0]) if len(meters) else 0
    strong_every = bar // 2 if int(meters[0][1] if len(meters) else 4) in (2, 4) else bar
    hits = count = 0
    for onset, _d, pitch, _v, _voice in notes.tolist():
        if (onset - first) % strong_every:
            continue
        which = np.flatnonzero((chords[:, 0] <= onset) & (onset < chords[:, 0] + chords[:, 1]))
        if not len(which):
            continue
        root, quality = int(chords[which[-1], 2]), int(chords[which[-1], 3])
        count += 1
        hits += int((pitch - root) % 12 in TEMPLATES[QUALITIES[quality]])
    return hits, count


def chords(checkpoint, corpus, variations: int, limit: int, split: str = "test", controls=None) -> None:
    test = [p for p in corpus.split(split) if p.style.startswith("popular_song") and len(p.chords)][:limit]
    human = [0, 0]
    generated = [0, 0]
    nll = {"given": [], "withheld": []}
    for piece in test:
        bar = int(piece.meters[0][1]) * 1920 // int(piece.meters[0][2]) if len(piece.meters) else 1920
        first = int(piece.meters[0][0]) if len(piece.meters) else 0
        cut = first + 8 * bar
        h = chord_tone_share(piece.notes[piece.notes[:, 0] >= cut], piece.chords, piece.meters)
        human = [human[0] + h[0], human[1] + h[1]]
        score = score_of(piece, piece.notes[piece.notes[:, 0] < cut])
        symbols = [ChordSymbol(int(o), int(d), figure_of(int(r), int(q))) for o, d, r, q in piece.chords.tolist()]
        for notes in write_region(checkpoint, score, Region(start=cut, end=cut + 8 * bar, voices=(0,)),
                                  style=piece.style, chords=symbols, controls=controls, variations=variations,
                                  seed=3):
            array = np.array([(n.onset, n.duration, n.pitch, n.velocity, n.voice) for n in notes]).reshape(-1, 5)
            g = chord_tone_share(array, piece.chords, piece.meters)
            generated = [generated[0] + g[0], generated[1] + g[1]]
        for name, given in (("given", piece.chords), ("withheld", None)):
            scored = score_region(checkpoint, piece.notes, meters=piece.meters, style=piece.style, key=piece.key,
                                  chords=given, region_start=int(piece.notes[min(16, len(piece.notes) - 1), 0]),
                                  voices=(0,), max_notes=64)
            nll[name].extend(scored["pitch"].tolist())
    print(f"chord tones on strong beats, {len(test)} OpenEWLD {split} lead sheets: human "
          f"{human[0] / max(1, human[1]):.1%} of {human[1]} notes; generated with the chords given "
          f"{generated[0] / max(1, generated[1]):.1%} of {generated[1]} notes")
    print(f"lead-sheet melodies, pitch cross-entropy (teacher-forced, after 16 notes): chords given "
          f"{np.mean(nll['given']):.3f}, withheld {np.mean(nll['withheld']):.3f} nats/note ({len(nll['given'])} notes)")


def human_shares(corpus, split: str = "train") -> None:
    """Per style with chords, the share of strong-beat melody notes that are chord tones in the
    pieces of a split (composer.model.priors.STYLE_CHORD_SHARE holds the train split's)."""
    counts: dict[str, list[int]] = {}
    for piece in corpus.split(split):
        if len(piece.chords) and not piece.drum_voices:
            hits, count = chord_tone_share(piece.notes, piece.chords, piece.meters)
            total = counts.setdefault(piece.style, [0, 0, 0])
            total[0], total[1], total[2] = total[0] + hits, total[1] + count, total[2] + 1
    for style, (hits, count, pieces) in sorted(counts.items()):
        print(f"{style}: {hits / max(1, count):.3f} of {count} strong-beat notes ({pieces} {split} pieces)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", type=Path, default=None)
    parser.add_argument("--variations", type=int, default=4)
    parser.add_argument("--pieces", type=int, default=200, help="at most this many test pieces per check")
    parser.add_argument("--split", default="test", help="test (the figures reported), validation (for tuning)")
    parser.add_argument("--only", choices=("grooves", "chords"), default=None)
    parser.add_argument("--human-shares", action="store_true", help="only the chord-tone shares of people per style")
    args = parser.parse_args()
    if args.human_shares:
        human_shares(load_corpus(), "train" if args.split == "test" else args.split)
        return
    torch.set_num_threads(1)
    checkpoint = load_checkpoint(args.model or default_model_path())
    corpus = load_corpus()
    if args.only in (None, "grooves"):
        grooves(checkpoint, corpus, args.variations, args.pieces, args.split)
    if args.only in (None, "chords"):
        chords(checkpoint, corpus, args.variations, args.pieces, args.split)


if __name__ == "__main__":
    main()
