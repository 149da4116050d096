"""Sampling through the Continuer: key lock, repeatability, variations, cancel, lengths."""

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from composer.generate import Cancelled, Continuer
from composer.model.checkpoint import Checkpoint
from composer.model.network import NetworkConfig, Seq2Seq
from composer.music import SCALES, Key, Note, Score


@pytest.fixture(scope="module")
def continuer(tmp_path_factory):
    """An untrained (random) small model: its distributions are spread wide, which is the hard
    case for a key lock. Saved and loaded like any checkpoint."""
    torch.manual_seed(3)
    model = Seq2Seq(NetworkConfig(n_styles=3, embed=64, encoder_hidden=32, decoder_hidden=64))
    path = tmp_path_factory.mktemp("ckpt") / "random.safetensors"
    Checkpoint(model=model, styles=["neutral", "folk", "chorale"]).save(path)
    return Continuer.load(path)


def seed_score(n=12):
    return Score(notes=[Note(60 + (i * 5) % 12, i * 240, 240, 70 + i) for i in range(n)])


@settings(max_examples=25, deadline=None)
@given(tonic=st.integers(0, 11), scale=st.sampled_from(sorted(SCALES)), temperature=st.floats(0.5, 3.0),
       top_p=st.floats(0.3, 1.0), seed=st.integers(0, 2**31))
def test_key_lock_never_emits_an_out_of_key_pitch(continuer, tonic, scale, temperature, top_p, seed):
    key = Key(tonic, scale)
    (variation,) = continuer.continue_score(seed_score(), length=24, key=key, temperature=temperature,
                                            top_p=top_p, seed=seed)
    new = [n for n in variation.notes if n.generated]
    assert len(new) == 24
    assert all(key.contains(n.pitch) and 21 <= n.pitch <= 108 for n in new)


def test_without_key_lock_a_random_model_does_leave_the_key(continuer):
    """The control for the property above: the lock is what keeps the notes in key."""
    (variation,) = continuer.continue_score(seed_score(), length=64, temperature=2.0, top_p=1.0, seed=1)
    assert any(not Key(0, "major").contains(n.pitch) for n in variation.notes if n.generated)


def test_same_seed_same_notes_and_variations_differ(continuer):
    a = continuer.continue_score(seed_score(), length=16, variations=3, seed=42)
    b = continuer.continue_score(seed_score(), length=16, variations=3, seed=42)
    assert [v.notes for v in a] == [v.notes for v in b]
    generated = [tuple(n for n in v.notes if n.generated) for v in a]
    assert len(set(generated)) == 3


def test_result_keeps_the_seed_and_continues_after_it(continuer):
    score = seed_score()
    (variation,) = continuer.continue_score(score, length=10, seed=0, style="folk")
    assert variation.notes[: len(score.notes)] == score.notes
    new = variation.notes[len(score.notes):]
    assert len(new) == 10 and all(n.generated for n in new)
    assert min(n.onset for n in new) >= max(n.onset for n in score.notes)


def test_bars_fill_whole_bars(continuer):
    score = seed_score(8)  # ends in bar 2 of 4/4
    (variation,) = continuer.continue_score(score, bars=2, seed=0)
    new = [n for n in variation.notes if n.generated]
    bar = score.time_signature.bar_ticks
    assert new and max(n.onset for n in new) < 2 * bar + 2 * bar


def test_unknown_style_and_empty_seed_are_clear_errors(continuer):
    with pytest.raises(ValueError, match="unknown style 'jazz'.*folk"):
        continuer.continue_score(seed_score(), style="jazz")
    with pytest.raises(ValueError, match="no notes"):
        continuer.continue_score(Score())


def test_cancel_stops_between_notes_and_progress_counts(continuer):
    seen = []
    with pytest.raises(Cancelled):
        continuer.continue_score(seed_score(), length=50, progress=lambda d, t: seen.append((d, t)),
                                 cancel=lambda: len(seen) >= 5)
    assert seen == [(i, 50) for i in range(1, 6)]


def test_key_auto_and_text(continuer):
    from composer.music import estimate_key

    seed = Score(notes=[Note(p, i * 240, 240) for i, p in enumerate([57, 60, 64, 62, 60, 59, 57, 64, 69, 68])])
    (auto,) = continuer.continue_score(seed, length=20, key="auto", seed=1, temperature=2.0)
    from composer.music.scales import fitted_scale

    # auto: the estimated key, in the minor its notes are in (the G# of 68: harmonic minor)
    (explicit,) = continuer.continue_score(seed, length=20, key=fitted_scale(estimate_key(seed.notes), seed.notes),
                                           seed=1, temperature=2.0)
    assert estimate_key(seed.notes) == Key(9, "minor")
    assert fitted_scale(estimate_key(seed.notes), seed.notes) == Key(9, "harmonic_minor")
    assert auto.notes == explicit.notes
    (text,) = continuer.continue_score(seed, length=20, key="F#:dorian", seed=1, temperature=2.0)
    assert all(Key(6, "dorian").contains(n.pitch) for n in text.notes if n.generated)
