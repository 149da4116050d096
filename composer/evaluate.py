"""The fixed evaluation protocol, so figures compare across models and releases.

Every task scores, note by note, true notes of test pieces given all earlier true notes (teacher
forcing), with the piece's style if known (else neutral), and reports pitch cross-entropy in nats
per note, pitch top-1 accuracy, onset-delta, duration and velocity accuracy, the joint NLL of the
four attributes, pieces and notes, for the model and for the baselines on the same notes:

- ``ppm``: the field's standard baseline, IDyOM-style PPM (composer.model.ppm): a long-term model
  fitted on the training split plus a short-term model of the piece so far, combined by entropy;
  ``ppm_ltm`` and ``ppm_stm`` are its two parts alone. Orders and the combination bias are chosen
  on the validation split (continue protocol on its melodies, or on its bass lines for accompany).
- ``ngram``: the interpolated Witten-Bell n-gram of composer.model.ngram (no memory of the piece).

Tasks (the melody is the highest note at each onset, non-drum voices, on the model grid; a second
note in the same grid step is dropped, so note i of the melody is step i of the model):
- ``continue``: the first `seed_notes` melody notes are the seed, the next up to `max_notes` are scored;
- ``fill``: the two bars that start at the first bar line after the 16th melody note are removed and
  scored with both sides known (``model``), and again with only the left side (``continue`` row:
  the same notes continued); the PPM and n-gram only ever see the left side;
- ``accompany``: in pieces with two or more pitched voices, the bass (the voice with the lowest median
  pitch) after its first `seed_notes` notes, up to `max_notes` notes, given every other voice
  (before, during and after) and its own earlier notes; the baselines model the bass line alone.

The neural model is scored through composer.model.scoring.score_region.
"""

from __future__ import annotations

import json
import math
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Callable, Iterable, Sequence

import numpy as np

from composer.model import vocab as V
from composer.model.ngram import CountedNGram, fit_best_order_counted
from composer.model.ppm import (N_INTERVAL, LinkedPitchPPM, Settings, StaticCounts, ViewpointPPM, fit_pitch,
                                fit_viewpoint, intervals)
from composer.music.meter import MeterMap

ONSET, DURATION, PITCH, VELOCITY, VOICE = range(5)  # note array columns (composer.data.cache)
# The scored attributes of a note (what score_region returns), with their vocabulary sizes.
ATTRIBUTES = ("pitch", "delta", "duration", "velocity")
SIZES = {"pitch": V.N_PITCH, "delta": V.N_DELTA, "duration": V.N_DURATION, "velocity": V.N_VELOCITY}

TASKS = ("continue", "fill", "accompany")
FILL_BARS = 2
VALIDATION_PIECES = 400  # validation pieces used to choose the PPM's orders and bias (time bound)


@dataclass
class EvalPiece:
    notes: np.ndarray  # (N, 5) onset, duration, pitch, velocity, voice (score ticks)
    style: str | None
    time_signature: tuple[int, int] = (4, 4)
    drum_voices: tuple[int, ...] = ()
    meters: np.ndarray | None = None  # (M, 3) rows tick, numerator, denominator; None = time_signature at 0
    key: str | None = None
    chords: np.ndarray | None = None  # (K, 4) rows, composer.data.corpus.Piece.chords

    @property
    def meter_rows(self) -> np.ndarray:
        if self.meters is not None and len(self.meters):
            return np.asarray(self.meters, dtype=np.int64).reshape(-1, 3)
        return np.array([[0, *self.time_signature]], dtype=np.int64)

    @property
    def bar_grid(self) -> int:
        return V.bar_grid(*self.time_signature)

    @classmethod
    def of(cls, piece) -> "EvalPiece":
        """From a composer.data.corpus.Piece."""
        chords = getattr(piece, "chords", None)
        return cls(piece.notes, piece.style, tuple(piece.time_signature), tuple(piece.drum_voices),
                   getattr(piece, "meters", None), piece.key, chords if chords is not None and len(chords) else None)


@dataclass
class Line:
    """One line's notes as the baselines see them: per note the model vocabulary's pitch, onset
    delta (grid ticks since the previous note, clamped), duration index and velocity bin
    (composer.model.vocab), int64 arrays of equal length, and the onsets in score ticks."""

    pitch: np.ndarray
    delta: np.ndarray
    duration: np.ndarray
    velocity: np.ndarray
    onset: np.ndarray

    def __len__(self) -> int:
        return len(self.pitch)


def line_of(notes: np.ndarray) -> Line:
    """A Line from notes already on the grid and in order (`on_grid`)."""
    notes = np.asarray(notes, dtype=np.int64).reshape(-1, 5)
    grid = notes[:, ONSET] // V.TICKS_PER_GRID
    delta = np.zeros(len(notes), dtype=np.int64)
    delta[1:] = np.minimum(np.diff(grid), V.MAX_DELTA)
    velocity = np.minimum(V.VELOCITY_BINS - 1, np.maximum(0, (notes[:, VELOCITY] - 1) * V.VELOCITY_BINS // 127))
    return Line(notes[:, PITCH].copy(), delta, notes[:, DURATION] // V.TICKS_PER_GRID - 1, velocity,
                notes[:, ONSET].copy())


def skyline(notes: np.ndarray, drum_voices: Sequence[int] = ()) -> np.ndarray:
    """The highest sounding note at each onset of the non-drum voices (composer.music.transform.melody)."""
    from composer.music.score import Note, Score, Voice
    from composer.music.transform import melody

    notes = np.asarray(notes, dtype=np.int64).reshape(-1, 5)
    if not len(notes):
        return notes
    voices = int(notes[:, VOICE].max()) + 1
    score = Score(notes=[Note(int(p), int(o), int(d), int(v), int(voice)) for o, d, p, v, voice in notes.tolist()],
                  voices=[Voice(is_drum=i in drum_voices) for i in range(voices)])
    return np.array([(n.onset, n.duration, n.pitch, n.velocity, n.voice) for n in melody(score)],
                    dtype=np.int64).reshape(-1, 5)


def on_grid(notes: np.ndarray) -> np.ndarray:
    """Onsets and durations rounded to the model grid as composer.model.encoding.encode rounds
    them, in score ticks; sorted by onset, then pitch from the top; a voice's duplicate (onset,
    pitch) goes (as encode drops it from a line)."""
    notes = np.asarray(notes, dtype=np.int64).reshape(-1, 5).copy()
    notes[:, ONSET] = np.rint(notes[:, ONSET] / V.TICKS_PER_GRID).astype(np.int64) * V.TICKS_PER_GRID
    grid = np.clip(np.rint(notes[:, 1] / V.TICKS_PER_GRID).astype(np.int64), 1, V.MAX_DURATION)
    notes[:, 1] = grid * V.TICKS_PER_GRID
    notes = notes[np.lexsort((-notes[:, PITCH], notes[:, ONSET]))]  # stable: ties keep the given order
    if len(notes) > 1:
        _, first = np.unique(notes[:, [ONSET, PITCH, VOICE]], axis=0, return_index=True)
        notes = notes[np.sort(first)]
    return notes


def protocol_melody(piece: EvalPiece) -> np.ndarray:
    """The protocol's melody (skyline of the non-drum voices) on the model grid, one note per grid
    onset (the highest), as voice 0: note i is the model's step i."""
    notes = on_grid(skyline(piece.notes, piece.drum_voices))
    if len(notes) > 1:
        keep = np.ones(len(notes), dtype=bool)
        keep[1:] = np.diff(notes[:, ONSET]) != 0  # sorted by pitch from the top: the first is the highest
        notes = notes[keep]
    notes[:, VOICE] = 0
    return notes


def bass_voice(piece: EvalPiece) -> int | None:
    """The pitched voice with the lowest median pitch, when the piece has two or more pitched voices."""
    notes = np.asarray(piece.notes).reshape(-1, 5)
    voices = [v for v in np.unique(notes[:, VOICE]).tolist() if v not in piece.drum_voices]
    if len(voices) < 2:
        return None
    return min(voices, key=lambda v: (float(np.median(notes[notes[:, VOICE] == v, PITCH])), v))


def bass_line(piece: EvalPiece) -> np.ndarray | None:
    voice = bass_voice(piece)
    if voice is None:
        return None
    notes = np.asarray(piece.notes).reshape(-1, 5)
    return on_grid(notes[notes[:, VOICE] == voice])


@dataclass
class Case:
    """One scored region of one piece. `notes` is what the model is given (context and the true
    notes of the region); `steps[first:]` are the scored notes as the baselines see them, after
    `steps[:first]` (the same voice's earlier notes)."""

    piece: EvalPiece
    notes: np.ndarray
    region_start: int
    region_end: int | None
    voices: tuple[int, ...]
    steps: Line
    first: int
    line: str = "melody"  # which baseline models it: "melody" or "bass"
    drum_voices: tuple[int, ...] = ()  # of `notes` (a melody, always voice 0, has none)
    # Which of steps[first:] are scored (None = all): the model's note stream keeps one note of a
    # unison (the lowest-numbered voice's), so a bass note doubled by an earlier voice is context
    # for every row, not a target.
    scored: np.ndarray | None = None

    @property
    def count(self) -> int:
        return len(self.steps) - self.first if self.scored is None else int(self.scored.sum())

    def only_scored(self, values: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """Per-note arrays over steps[first:] cut to the scored notes."""
        return values if self.scored is None else {k: np.asarray(v)[self.scored] for k, v in values.items()}


def continue_cases(pieces: Iterable[EvalPiece], seed_notes: int = 16, max_notes: int = 64) -> list[Case]:
    cases = []
    for piece in pieces:
        melody = protocol_melody(piece)
        if len(melody) <= seed_notes:
            continue
        melody = melody[: seed_notes + max_notes]
        cases.append(Case(piece, melody, int(melody[seed_notes, ONSET]), None, (0,),
                          line_of(melody), seed_notes))
    return cases


def fill_region(piece: EvalPiece, melody: np.ndarray, seed_notes: int) -> tuple[int, int] | None:
    """[start, end) ticks: the FILL_BARS bars from the first bar line at or after the onset of
    melody note `seed_notes` (the first note after the seed), or None if the piece is too short."""
    after = int(melody[seed_notes, ONSET])
    meters = MeterMap.from_rows(piece.meter_rows)
    longest = max(m.bar_ticks for m in meters.changes)
    starts = [s for s in meters.bar_starts(after + (FILL_BARS + 2) * longest) if s >= after]
    if len(starts) < FILL_BARS + 1:
        return None
    return starts[0], starts[FILL_BARS]


def fill_cases(pieces: Iterable[EvalPiece], seed_notes: int = 16) -> list[tuple[Case, Case]]:
    """(fill, continue-on-the-same-notes) pairs; pieces without notes inside and after the two
    bars are left out."""
    pairs = []
    for piece in pieces:
        melody = protocol_melody(piece)
        if len(melody) <= seed_notes:
            continue
        region = fill_region(piece, melody, seed_notes)
        if region is None:
            continue
        start, end = region
        onsets = melody[:, ONSET]
        first, stop = int(np.searchsorted(onsets, start)), int(np.searchsorted(onsets, end))
        if stop == first or stop == len(melody):
            continue
        left = melody[:stop]
        steps = line_of(left)
        pairs.append((Case(piece, melody, start, end, (0,), steps, first),
                      Case(piece, left, start, None, (0,), steps, first)))
    return pairs


def accompany_cases(pieces: Iterable[EvalPiece], seed_notes: int = 16, max_notes: int = 64) -> list[Case]:
    cases = []
    for piece in pieces:
        voice = bass_voice(piece)
        if voice is None:
            continue
        notes = on_grid(piece.notes)
        bass = notes[notes[:, VOICE] == voice]
        if len(bass) <= seed_notes:
            continue
        start = int(bass[seed_notes, ONSET])
        end = int(bass[seed_notes + max_notes, ONSET]) if len(bass) > seed_notes + max_notes else None
        line = bass if end is None else bass[bass[:, ONSET] < end]
        given = np.concatenate([notes[notes[:, VOICE] != voice], line])
        given = given[np.lexsort((given[:, VOICE], given[:, PITCH], given[:, ONSET]))]
        first = int(np.searchsorted(line[:, ONSET], start))
        # Every bass note is scored, those doubling another voice too (the model's steps keep
        # unisons of different voices).
        cases.append(Case(piece, given, start, end, (voice,), line_of(line), first, "bass", piece.drum_voices, None))
    return cases


# -- rows --------------------------------------------------------------------------------------

class Row:
    """Running sums for one row of the report."""

    def __init__(self) -> None:
        self.nll = defaultdict(float)
        self.correct = defaultdict(int)
        self.notes = 0
        self.pieces = 0

    def add(self, nll: dict[str, np.ndarray], correct: dict[str, np.ndarray]) -> None:
        self.notes += len(nll["pitch"])
        self.pieces += 1
        for name in ATTRIBUTES:
            self.nll[name] += float(np.sum(nll[name]))
            self.correct[name] += int(np.sum(correct[name]))

    def row(self) -> dict:
        n = max(1, self.notes)
        return {"pitch_nll": self.nll["pitch"] / n, "pitch_acc": self.correct["pitch"] / n,
                "onset_acc": self.correct["delta"] / n, "duration_acc": self.correct["duration"] / n,
                "velocity_acc": self.correct["velocity"] / n, "velocity_nll": self.nll["velocity"] / n,
                "joint_nll": sum(self.nll[t] for t in ATTRIBUTES) / n, "notes": self.notes, "pieces": self.pieces}


Rows = dict[str, Row]  # "all" and one per style ("unknown" for pieces without one)


def _add(rows: Rows, case: Case, nll: dict, correct: dict) -> None:
    for key in ("all", case.piece.style or "unknown"):
        rows[key].add(nll, correct)


# -- the neural model --------------------------------------------------------------------------

Scorer = Callable[..., dict]


def model_scorer() -> Scorer:
    """The model's scoring function (composer.model.scoring.score_region; imported late: torch)."""
    from composer.model.scoring import score_region

    return score_region


def _correct(result: dict, name: str) -> np.ndarray:
    for key in (f"{name}_correct", f"{name}_top1", f"{name}_hit"):
        if key in result:
            return np.asarray(result[key], dtype=bool)
    if isinstance(result.get("correct"), dict):
        return np.asarray(result["correct"][name], dtype=bool)
    raise KeyError(f"score_region returned no top-1 flags for {name} ({', '.join(result)})")


INFER = "infer"  # composer.model.scoring.INFER_STYLE (kept here: this module does not import torch)


def evaluate_model(checkpoint, cases: Sequence[Case], scorer: Scorer | None = None, unlabeled: str = INFER) -> Rows:
    """Per-style (and "all") sums for the neural model over the cases. A piece whose style the
    model does not know (None: a file outside any style folder) is scored as `unlabeled` says:
    "infer" (the posterior mixture over the model's styles, composer.model.scoring) or "neutral"."""
    scorer = scorer or model_scorer()
    rows: Rows = defaultdict(Row)
    known = set(getattr(checkpoint, "styles", ()))
    for case in cases:
        piece = case.piece
        unknown = piece.style is None or bool(known) and piece.style not in known
        style = INFER if unknown and unlabeled == INFER else piece.style
        result = scorer(checkpoint, case.notes, meters=piece.meter_rows, style=style, key=piece.key,
                        chords=piece.chords, region_start=case.region_start, region_end=case.region_end,
                        voices=case.voices, drum_voices=case.drum_voices)
        nll = {name: np.asarray(result[name], dtype=np.float64) for name in ATTRIBUTES}
        if len(nll["pitch"]) != case.count:
            raise RuntimeError(f"score_region scored {len(nll['pitch'])} notes where the protocol has {case.count}")
        _add(rows, case, nll, {name: _correct(result, name) for name in ATTRIBUTES})
    return dict(rows)


# -- baselines ---------------------------------------------------------------------------------

def _lines(pieces: Iterable[EvalPiece], line: str) -> list[Line]:
    out = []
    for piece in pieces:
        notes = protocol_melody(piece) if line == "melody" else bass_line(piece)
        if notes is not None and len(notes):
            out.append(line_of(notes))
    return out


# The STM's choices on the default corpus's validation split (melody, continue protocol; see the
# report of PPMBaseline.fit), for scoring without a corpus.
STM_DEFAULTS = {
    "pitch": {"ltm_order": "*", "stm_order": "*", "bias": 1.0, "viewpoints": "cpitch+cpint", "viewpoint_bias": 0.0,
              "cpint": {"ltm_order": "*", "stm_order": "*", "bias": 1.0}},
    "delta": {"ltm_order": "*", "stm_order": 2, "bias": 0.0},
    "duration": {"ltm_order": "*", "stm_order": 2, "bias": 0.0},
    "velocity": {"ltm_order": "*", "stm_order": 24, "bias": 0.0},
}


def _read_json(path: Path | None) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8")) if path else {}
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _order(value) -> int | None:
    return None if value == "*" else int(value)


def _rebuild(name: str, train, chosen: dict) -> ViewpointPPM | LinkedPitchPPM:
    """A model with settings chosen before (a fit's report entry); train None = no LTM."""
    def viewpoint(vocab, sequences, entry):
        ltm = StaticCounts.fit(sequences) if sequences is not None else None
        return ViewpointPPM(vocab, ltm, Settings(_order(entry["ltm_order"]), _order(entry["stm_order"]),
                                                 float(entry["bias"])))

    if chosen.get("viewpoints") == "cpitch+cpint":
        cpitch = viewpoint(SIZES[name], train, chosen)
        cpint = viewpoint(N_INTERVAL, None if train is None else [intervals(s) for s in train], chosen["cpint"])
        return LinkedPitchPPM(cpitch, cpint, float(chosen["viewpoint_bias"]), float(chosen["bias"]))
    return viewpoint(SIZES[name], train, chosen)


@dataclass
class PPMBaseline:
    """One composer.model.ppm.ViewpointPPM per attribute for one kind of line (melody or bass)."""

    models: dict[str, ViewpointPPM | LinkedPitchPPM]
    report: dict = field(default_factory=dict)

    @classmethod
    def fit(cls, train: Sequence[EvalPiece], validation: Sequence[EvalPiece], *, line: str = "melody",
            seed_notes: int = 16, max_notes: int = 64, log=None, settings_file: Path | None = None,
            fingerprint: str | None = None) -> "PPMBaseline":
        """LTM on the training pieces' lines; orders and bias chosen on the first VALIDATION_PIECES
        validation pieces' lines, scored as the continue task scores them. With `settings_file`
        and the corpus `fingerprint`, choices made before for the same corpus and protocol are
        read from that JSON file instead of chosen again (the choosing takes minutes, the
        counting seconds), and new ones are added to it."""
        train_steps = _lines(train, line)
        key = f"{fingerprint}:{line}:{seed_notes}:{max_notes}:{VALIDATION_PIECES}"
        known = _read_json(settings_file).get(key) if settings_file and fingerprint else None
        if known:
            models = {name: _rebuild(name, [getattr(s, name) for s in train_steps], known[name])
                      for name in ATTRIBUTES}
            if log:
                log(f"  PPM {line}: orders and biases as chosen before on this corpus ({settings_file})")
            return cls(models, known)
        valid = [s for s in _lines(validation[:VALIDATION_PIECES], line) if len(s) > seed_notes]
        models, report = {}, {}
        stop = lambda s: min(len(s), seed_notes + max_notes)  # noqa: E731
        for name in ATTRIBUTES:
            fit = fit_pitch if name == "pitch" else partial(fit_viewpoint, SIZES[name])
            models[name], report[name] = fit([getattr(s, name) for s in train_steps],
                                             [(getattr(s, name), seed_notes, stop(s)) for s in valid])
            if log:
                r = report[name]
                linked = isinstance(models[name], LinkedPitchPPM)
                both = r["cpint"]["validation_both_nll"] if linked else r["validation"]["both_nll"]
                log(f"  PPM {line} {name}{' (' + r['viewpoints'] + ')' if 'viewpoints' in r else ''}: "
                    f"LTM order {r['ltm_order']}, STM order {r['stm_order']}, b {r['bias']}, validation NLL "
                    f"{'(no validation notes: defaults)' if both is None else format(both, '.3f')}")
        if settings_file and fingerprint and valid:
            stored = _read_json(settings_file)
            stored[key] = report
            try:
                settings_file.write_text(json.dumps(stored, indent=1), encoding="utf-8")
            except OSError as error:  # a read-only cache only costs the next run the choosing again
                if log:
                    log(f"  (could not keep the PPM settings in {settings_file}: {error})")
        return cls(models, report)

    @classmethod
    def short_term_only(cls) -> "PPMBaseline":
        """The STM alone (no corpus), with the STM orders and viewpoints chosen on the default
        corpus's validation split (STM_DEFAULTS)."""
        models = {name: _rebuild(name, None, STM_DEFAULTS[name]) for name in ATTRIBUTES}
        return cls(models)

    def settings(self) -> dict:
        return {name: {k: v for k, v in r.items() if k != "validation"} for name, r in self.report.items()}

    def evaluate(self, cases: Sequence[Case]) -> dict[str, Rows]:
        """{"ppm", "ppm_ltm", "ppm_stm"} -> rows (only "ppm_stm" without a long-term model)."""
        parts = {"both": "ppm", "ltm": "ppm_ltm", "stm": "ppm_stm"}
        out: dict[str, Rows] = {}
        for case in cases:
            nll, correct = defaultdict(dict), defaultdict(dict)
            for name, model in self.models.items():
                prediction = model.predict(getattr(case.steps, name), case.first)
                for part, probability in prediction.probability.items():
                    nll[part][name] = -np.log(probability)
                    correct[part][name] = prediction.hit[part]
            has_ltm = all(m.ltm is not None for m in self.models.values())
            for part, label in parts.items():
                if part != "stm" and not has_ltm:
                    continue
                _add(out.setdefault(label, defaultdict(Row)), case, case.only_scored(nll[part]),
                     case.only_scored(correct[part]))
        return {k: dict(v) for k, v in out.items()}


@dataclass
class Baseline:
    """The n-gram baseline (no memory of the piece): one n-gram per attribute (composer.model.ngram)."""

    models: dict[str, CountedNGram]

    @classmethod
    def fit(cls, train: Sequence[EvalPiece], validation: Sequence[EvalPiece], *, line: str = "melody") -> "Baseline":
        train_steps = _lines(train, line)
        # Order selection on a bounded slice of validation keeps fitting to seconds.
        valid_steps = [s for s in _lines(validation[:150], line)]
        models = {}
        for name in ATTRIBUTES:
            models[name] = fit_best_order_counted(SIZES[name], [getattr(s, name) for s in train_steps],
                                                  [getattr(s, name)[:80] for s in valid_steps])
        return cls(models)

    def orders(self) -> dict[str, int]:
        return {name: model.order for name, model in self.models.items()}

    def evaluate(self, cases: Sequence[Case]) -> Rows:
        rows: Rows = defaultdict(Row)
        for case in cases:
            nll, correct = {}, {}
            for name, model in self.models.items():
                sequence = getattr(case.steps, name)
                scored = range(case.first, len(sequence))
                probs = [model.distribution(sequence[:t]) for t in scored]
                nll[name] = np.array([-math.log(p[sequence[t]]) for p, t in zip(probs, scored)])
                correct[name] = np.array([int(np.argmax(p)) == sequence[t] for p, t in zip(probs, scored)], dtype=bool)
            _add(rows, case, case.only_scored(nll), case.only_scored(correct))
        return dict(rows)


# -- the report --------------------------------------------------------------------------------

LABELS = {"model": "model", "continue": "model, continue", "ppm": "PPM", "ppm_ltm": "PPM LTM",
          "ppm_stm": "PPM STM", "ngram": "n-gram"}


def report(rows: dict[str, Rows]) -> dict:
    """{"all": {"model": {...}, "ppm": {...}, ..., "pitch_nll_reduction": r}, style: {...}, ...}

    rows maps a row name (LABELS) to its per-style sums. pitch_nll_reduction is the model's pitch
    cross-entropy below the PPM's (1 - model / ppm), pitch_nll_reduction_ngram the same against
    the n-gram, fill_gain (fill task) the fill's below the same notes continued."""
    keys = sorted({k for r in rows.values() for k in r}, key=lambda k: (k != "all", k))
    out = {}
    for key in keys:
        entry = {name: r[key].row() for name, r in rows.items() if key in r}
        model = entry.get("model")
        if model:
            for base, field_name in (("ppm", "pitch_nll_reduction"), ("ngram", "pitch_nll_reduction_ngram"),
                                     ("continue", "fill_gain")):
                if base in entry and entry[base]["pitch_nll"] > 0:
                    entry[field_name] = 1.0 - model["pitch_nll"] / entry[base]["pitch_nll"]
        out[key] = entry
    return out


VELOCITY_NOTE = 1.0  # nats a note of the model's velocity NLL above which the report says what it is


def format_report(result: dict, task: str = "continue") -> str:
    lines = [f"{'task: ' + task:36} {'pieces':>6} {'notes':>7} {'pitch nll':>10} {'pitch acc':>9} "
             f"{'onset acc':>9} {'dur acc':>8} {'joint nll':>9}"]
    for key, entry in result.items():
        for name, label in LABELS.items():
            values = entry.get(name)
            if not values:
                continue
            lines.append(f"{key[:20] + ' ' + label:36} {values['pieces']:>6} {values['notes']:>7} "
                         f"{values['pitch_nll']:>10.3f} {values['pitch_acc']:>9.1%} {values['onset_acc']:>9.1%} "
                         f"{values['duration_acc']:>8.1%} {values['joint_nll']:>9.3f}")
        velocity = (entry.get("model") or {}).get("velocity_nll", 0.0)
        if velocity > VELOCITY_NOTE:
            # The corpus has one velocity: a file with dynamics gave the model a joint NLL of 88
            # nats a note beside PPM's 2.3 with no word why (QA).
            lines.append(f"{'':36} the model's joint nll has {velocity:.3f} nats a note of velocity: it learnt "
                         f"from music without dynamics (PPM learns each file's own); compare pitch, onset, length")
        for field_name, versus in (("pitch_nll_reduction", "PPM"), ("pitch_nll_reduction_ngram", "n-gram"),
                                   ("fill_gain", "the same notes continued")):
            if field_name in entry:
                value = entry[field_name]
                lines.append(f"{'':36} pitch cross-entropy {-value:+.1%} vs {versus} "
                             f"({'lower is better: model wins' if value > 0 else versus + ' wins'})")
    return "\n".join(lines)


def log_stderr(message: str) -> None:
    print(message, file=sys.stderr)
