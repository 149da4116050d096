"""The evaluation protocol (composer.evaluate): which notes each task scores and what the model is
given, the PPM and n-gram rows, the report, and `composer evaluate` without a built corpus."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from composer.evaluate import (ATTRIBUTES, Baseline, EvalPiece, PPMBaseline, accompany_cases, continue_cases,
                               evaluate_model, fill_cases, format_report, report)
from composer.io import write_midi
from composer.model.probes import repeated_phrase
from composer.music import Note, Score

MAJOR = [0, 2, 4, 5, 7, 9, 11]


def eighths(count: int, voice: int = 0, low: int = 60, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    pitches = low + np.array(MAJOR)[rng.integers(0, 7, count)]
    return np.array([(i * 240, 240, int(p), 80, voice) for i, p in enumerate(pitches)], dtype=np.int64)


def test_continue_scores_the_64_notes_after_a_16_note_seed():
    piece = EvalPiece(eighths(100), "folk")
    (case,) = continue_cases([piece])
    assert case.first == 16 and case.count == 64 and len(case.notes) == 80
    assert case.region_start == 16 * 240 and case.region_end is None and case.voices == (0,)
    assert case.steps.pitch.tolist() == piece.notes[:80, 2].tolist()
    assert case.steps.delta.tolist() == [0] + [6] * 79  # eighths: 6 grid steps of 1/12 quarter
    assert continue_cases([EvalPiece(eighths(16), None)]) == []  # nothing after the seed


def test_fill_removes_the_two_bars_after_the_16th_note_and_keeps_both_sides():
    piece = EvalPiece(eighths(64), "folk")
    ((fill, cont),) = fill_cases([piece])
    # The 17th note starts bar 3 (tick 3840) in 4/4: the two bars 3840-7680 are scored.
    assert (fill.region_start, fill.region_end) == (3840, 7680) and cont.region_end is None
    assert fill.count == cont.count == 16 and fill.first == 16
    assert len(fill.notes) == 64  # the right side is given
    assert cont.notes[:, 0].max() < 7680  # ... and not when the same notes are continued
    assert fill.steps is cont.steps
    # A one-beat pickup moves the bar lines to 480, 2400, 4320, 6240, 8160: the gap starts at the
    # first bar line after the 17th note (3840).
    pickup = EvalPiece(eighths(64), None, meters=np.array([[-1440, 4, 4]]))
    ((fill, _),) = fill_cases([pickup])
    assert (fill.region_start, fill.region_end) == (4320, 8160)
    # Nothing after the gap: no fill case.
    assert fill_cases([EvalPiece(eighths(30), None)]) == []


def test_accompany_scores_the_lowest_voice_given_the_others():
    tune, bass = eighths(120, voice=0, low=72), eighths(100, voice=1, low=36, seed=1)
    bass[:, 0] *= 2
    bass[:, 1] *= 2  # quarters
    drums = eighths(200, voice=2, low=36, seed=2)  # drums sit lowest but are no bass
    (case,) = accompany_cases([EvalPiece(np.concatenate([tune, bass, drums]), "chorale", drum_voices=(2,))])
    assert case.voices == (1,) and case.line == "bass" and case.drum_voices == (2,)
    assert case.region_start == 16 * 480 and case.region_end == 80 * 480 and case.count == 64
    given = case.notes
    assert (given[:, 4] == 0).sum() == 120 and (given[:, 4] == 2).sum() == 200  # before, during and after
    assert given[given[:, 4] == 1, 0].max() < 80 * 480  # the bass ends with the region
    assert case.steps.pitch.tolist() == bass[:80, 2].tolist()
    assert accompany_cases([EvalPiece(tune, None)]) == []  # one voice: nothing to accompany
    # A bass note doubled by another voice (a unison) is still a bass note: all 64 are scored.
    doubled = tune.copy()
    doubled[40] = (20 * 480, 240, bass[20, 2], 80, 0)
    (case,) = accompany_cases([EvalPiece(np.concatenate([doubled, bass]), "chorale")])
    assert case.count == 64 and case.scored is None
    rows = PPMBaseline.short_term_only().evaluate([case])
    assert rows["ppm_stm"]["all"].row()["notes"] == 64


class RecordingScorer:
    """Stands in for the model's composer.model.scoring.score_region (a model is not needed to
    test the protocol's bookkeeping): records the calls, returns fixed figures."""

    def __init__(self):
        self.calls = []

    def __call__(self, checkpoint, notes, **kwargs):
        self.calls.append(kwargs)
        start, end, voices = kwargs["region_start"], kwargs["region_end"], kwargs["voices"]
        scored = np.isin(notes[:, 4], voices) & (notes[:, 0] >= start)
        if end is not None:
            scored &= notes[:, 0] < end
        n = int(scored.sum())
        out = {name: np.full(n, 0.5) for name in ATTRIBUTES}
        out.update({f"{name}_correct": np.arange(n) % 2 == 0 for name in ATTRIBUTES})
        return out


def test_model_rows_come_from_score_region_per_style():
    styles = ["folk", "folk", None]
    pieces = [EvalPiece(eighths(100, seed=i), style, drum_voices=(1,)) for i, style in enumerate(styles)]
    scorer = RecordingScorer()
    rows = evaluate_model("checkpoint", continue_cases(pieces), scorer=scorer)
    assert rows["all"].row()["notes"] == 192 and rows["all"].row()["pieces"] == 3
    assert rows["folk"].row()["pieces"] == 2 and rows["unknown"].row()["pieces"] == 1
    assert rows["all"].row()["pitch_nll"] == pytest.approx(0.5) and rows["all"].row()["joint_nll"] == pytest.approx(2.0)
    assert rows["all"].row()["pitch_acc"] == pytest.approx(0.5)
    call = scorer.calls[0]
    # The melody is voice 0 of its own: the piece's drum voice numbers do not apply to it.
    assert call["style"] == "folk" and call["meters"].tolist() == [[0, 4, 4]] and call["drum_voices"] == ()


def test_ppm_rows_and_report_against_ppm(tmp_path):
    # Every piece states its own random phrase five times: the corpus cannot predict a test piece,
    # memory of the piece can (and validation, made the same way, chooses the STM's order for it).
    def pieces(seeds):
        return [EvalPiece(repeated_phrase(seed=int(s)), "folk") for s in seeds]

    train, valid, test = pieces(range(20)), pieces(range(100, 104)), pieces(range(200, 203))
    ppm = PPMBaseline.fit(train, valid)
    cases = continue_cases(test)
    rows = ppm.evaluate(cases)
    assert set(rows) == {"ppm", "ppm_ltm", "ppm_stm"}
    ltm, stm, both = (rows[k]["all"].row() for k in ("ppm_ltm", "ppm_stm", "ppm"))
    assert stm["pitch_nll"] < 0.5 * ltm["pitch_nll"] and both["pitch_nll"] < ltm["pitch_nll"]
    assert stm["pitch_acc"] > 0.9
    rows["ngram"] = Baseline.fit(train, valid).evaluate(cases)
    rows["model"] = evaluate_model(None, cases, scorer=RecordingScorer())
    result = report(rows)
    entry = result["all"]
    assert entry["pitch_nll_reduction"] == pytest.approx(1 - 0.5 / both["pitch_nll"])
    assert "pitch_nll_reduction_ngram" in entry and set(result) == {"all", "folk"}
    text = format_report(result)
    # The orders and biases chosen are kept per corpus fingerprint: the next fit only counts.
    kept = tmp_path / "ppm_settings.json"
    first = PPMBaseline.fit(train, valid, settings_file=kept, fingerprint="abc")
    again = PPMBaseline.fit(train, [], settings_file=kept, fingerprint="abc")  # nothing to choose on
    assert again.report == json.loads(json.dumps(first.report)) and type(again.models["pitch"]) is type(
        first.models["pitch"])
    for name in ATTRIBUTES:
        a, b = (m.models[name].predict(getattr(cases[0].steps, name), 16) for m in (first, again))
        assert np.allclose(a.probability["both"], b.probability["both"])
    for label in ("model", "PPM", "PPM LTM", "PPM STM", "n-gram"):
        assert f"all {label} " in text


def test_evaluate_without_a_corpus_scores_the_short_term_model_and_says_what_to_build(tmp_path):
    notes = [Note(60 + MAJOR[d], i * 240, 240, 80) for i, d in enumerate([0, 2, 4, 2, 1, 3, 5, 4] * 6)]
    write_midi(Score(notes=notes), tmp_path / "tune.mid")
    env = {**os.environ, "COMPOSER_CACHE": str(tmp_path / "no-cache"), "OMP_NUM_THREADS": "1"}
    # The shipped model (the default) and the PPM's short-term part are scored on the same notes.
    run = subprocess.run([sys.executable, "-m", "composer", "evaluate", str(tmp_path / "tune.mid"), "--json"],
                         capture_output=True, text=True, env=env, timeout=300)
    assert run.returncode == 0, run.stderr
    assert "composer data build" in run.stderr
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert result["notes"] == result["ppm_stm"]["notes"] == 32 and result["pieces"] == 1
    assert "ppm" not in result and "ngram" not in result and "pitch_nll_reduction" not in result
    assert result["ppm_stm"]["pitch_acc"] > 0.5  # an 8-note phrase stated six times
    split = subprocess.run([sys.executable, "-m", "composer", "evaluate", "--split", "test", "--model", "baselines"],
                           capture_output=True, text=True, env=env, timeout=120)
    assert split.returncode == 2 and "composer data build" in split.stderr and "Traceback" not in split.stderr
