"""The co-writer remembers the whole piece: a phrase stated again is recalled (also transposed),
a note hundreds of steps back still changes a prediction, and sampled music does not fall into
loops its seed does not have. The recall tests use the shipped model."""

from pathlib import Path

import numpy as np
import pytest
import torch

from composer.model.checkpoint import Checkpoint, load_checkpoint
from composer.model.loops import longest_cycle_run
from composer.model.network import NetworkConfig, Seq2Seq
from composer.model.scoring import score_region

SHIPPED = Path(__file__).resolve().parents[2] / "models" / "default.safetensors"
STEP = 240  # eighth notes


def statements(phrase: np.ndarray, shifts: list[int]) -> np.ndarray:
    """The phrase stated once per shift (transposed by it), one after another, as a note array."""
    notes, onset = [], 0
    for shift in shifts:
        for pitch in phrase:
            notes.append((onset, STEP, int(pitch) + shift, 90, 0))
            onset += STEP
    return np.array(notes, dtype=np.int64)


@pytest.fixture(scope="module")
def shipped() -> Checkpoint:
    torch.set_num_threads(1)
    return load_checkpoint(SHIPPED)


@pytest.fixture
def random_phrase() -> np.ndarray:
    # Not from any corpus: 16 pitches drawn uniformly from two octaves, no two neighbours equal.
    rng = np.random.default_rng(2026)
    pitches = [int(rng.integers(55, 80))]
    while len(pitches) < 16:
        p = int(rng.integers(55, 80))
        if p != pitches[-1]:
            pitches.append(p)
    return np.array(pitches)


def repeat_accuracy(checkpoint, phrase) -> float:
    """Top-1 pitch accuracy on statements 2-5, seeded with the first."""
    scored = score_region(checkpoint, statements(phrase, [0, 0, 0, 0, 0]), region_start=16 * STEP, voices=(0,))
    assert len(scored["pitch"]) == 64
    return float(scored["pitch_correct"].mean())


def transposed_accuracy(checkpoint, phrase) -> float:
    """Top-1 pitch accuracy on a restatement a fourth higher, after its first note (which says
    how far it moved)."""
    scored = score_region(checkpoint, statements(phrase, [0, 5]), region_start=16 * STEP, voices=(0,))
    return float(scored["pitch_correct"][1:].mean())


def test_a_random_phrase_stated_five_times_is_recalled(shipped, random_phrase):
    # Issue 12's target: >= 95 % (measured with the shipped model: 95.3 %, 3 misses, all at the
    # start of the first repeat: nothing yet says that the phrase starts again, then one or two
    # notes are too little evidence). A model without memory of the piece gets about a third (the
    # first release: 36 %).
    accuracy = repeat_accuracy(shipped, random_phrase)
    assert accuracy >= 0.95, f"top-1 pitch accuracy on the repeats {accuracy:.1%}"


def test_a_transposed_restatement_is_recalled(shipped, random_phrase):
    """A fourth higher, after its first note, the restatement is predicted far better than the
    same notes after an unrelated opening phrase (which only the style can predict)."""
    accuracy = transposed_accuracy(shipped, random_phrase)
    rng = np.random.default_rng(7)
    unrelated = np.array([int(p) for p in rng.integers(55, 80, 16)])
    notes = statements(random_phrase, [5])
    notes[:, 0] += 16 * STEP
    control = score_region(shipped, np.concatenate([statements(unrelated, [0]), notes]), region_start=16 * STEP,
                           voices=(0,))
    baseline = float(control["pitch_correct"][1:].mean())
    # Measured with the shipped model: 73 % (the stage-7c weights 80 %; its first notes, where only
    # one or two intervals match so far, are the misses); a floor of 70 % here.
    assert accuracy >= 0.70, f"top-1 pitch accuracy on the transposed restatement {accuracy:.1%}"
    assert accuracy >= baseline + 0.4, f"recalled {accuracy:.1%} vs {baseline:.1%} without the first statement"


def test_a_note_300_steps_back_changes_the_prediction():
    """Architecture, not training: with random weights, changing only the 10th of 320 notes moves
    the predicted distribution of the 311th (the encoder reads the whole context)."""
    torch.manual_seed(0)
    checkpoint = Checkpoint(Seq2Seq(NetworkConfig(n_styles=1, embed=32, encoder_hidden=16, decoder_hidden=32,
                                                  memory_dim=16)).eval(), ["neutral"])
    rng = np.random.default_rng(1)
    notes = np.array([(i * STEP, STEP, int(rng.integers(50, 80)), 90, 0) for i in range(320)])
    changed = notes.copy()
    changed[10, 2] += 7
    a = score_region(checkpoint, notes, region_start=310 * STEP, voices=(0,), max_notes=1)
    b = score_region(checkpoint, changed, region_start=310 * STEP, voices=(0,), max_notes=1)
    assert abs(a["pitch"][0] - b["pitch"][0]) > 1e-6


def test_sampled_continuations_do_not_fall_into_loops(shipped):
    from composer.model.region_writer import write_region
    from composer.music import Note, Score
    from composer.music.region import Region

    # A folk-like seed without a repeated 4-note cycle.
    pitches = [67, 69, 71, 72, 74, 72, 71, 69, 67, 66, 67, 71, 74, 76, 74, 72]
    assert longest_cycle_run(pitches) == 1
    score = Score(notes=[Note(p, i * STEP, STEP, 90) for i, p in enumerate(pitches)])
    variations = write_region(shipped, score, Region(start=16 * STEP, end=None, voices=(0,)), variations=8,
                              max_notes=64, seed=11)
    for notes in variations:
        assert longest_cycle_run([n.pitch for n in notes]) <= 4


def test_the_loop_guard_stops_a_fifth_statement_unless_the_seed_loops(shipped):
    """The memory would happily go round again: after four statements of a 4-note cycle (and its
    fifth begun), the note that completes the fifth is never written; a seed that itself loops
    six times may go on looping (an ostinato is the style then)."""
    from composer.model.region_writer import write_region
    from composer.music import Note, Score
    from composer.music.region import Region

    cycle = [72, 67, 64, 67]
    opening = [60, 62, 64, 65, 67, 69, 71, 72]
    pitches = opening + cycle * 4 + cycle[:3]
    score = Score(notes=[Note(p, i * STEP, STEP, 90) for i, p in enumerate(pitches)])
    variations = write_region(shipped, score, Region(start=len(pitches) * STEP, end=None, voices=(0,)),
                              variations=8, max_notes=4, seed=3, temperature=0.0)
    assert all(notes[0].pitch != cycle[3] for notes in variations)

    looping = cycle * 6 + cycle[:3]
    score = Score(notes=[Note(p, i * STEP, STEP, 90) for i, p in enumerate(looping)])
    variations = write_region(shipped, score, Region(start=len(looping) * STEP, end=None, voices=(0,)),
                              variations=1, max_notes=4, seed=3, temperature=0.0)
    assert variations[0][0].pitch == cycle[3]  # greedy: the model continues its seed's ostinato
