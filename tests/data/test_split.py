from __future__ import annotations

import numpy as np

from composer.data.split import SPLITS, content_key, split_of


def _melody(rng, length=30):
    onsets = np.cumsum(rng.integers(1, 4, size=length)) * 240
    return np.stack([onsets, np.full(length, 240), rng.integers(55, 80, size=length),
                     np.full(length, 80), np.zeros(length, int)], axis=1).astype(np.int32)


def test_split_depends_only_on_the_music():
    rng = np.random.default_rng(0)
    melody = _melody(rng)
    transposed = melody.copy()
    transposed[:, 2] += 5
    shifted = melody.copy()
    shifted[:, 0] += 1920
    louder = melody.copy()
    louder[:, 3] = 110
    keys = {content_key(m) for m in (melody, transposed, shifted, louder)}
    assert len(keys) == 1
    changed = melody.copy()
    changed[3, 2] += 1
    assert content_key(changed) != content_key(melody)


def test_voice_numbering_does_not_change_the_split():
    chord = np.array([[0, 480, 60, 80, 0], [0, 480, 64, 80, 1], [480, 480, 62, 80, 0]], dtype=np.int32)
    renumbered = chord.copy()
    renumbered[:, 4] = [1, 0, 1]
    assert content_key(chord) == content_key(renumbered)


def test_proportions_are_about_90_5_5_and_stable():
    rng = np.random.default_rng(1)
    melodies = [_melody(rng) for _ in range(4000)]
    splits = [split_of(m) for m in melodies]
    counts = {name: splits.count(name) / len(splits) for name in SPLITS}
    assert 0.88 < counts["train"] < 0.92
    assert 0.035 < counts["validation"] < 0.065 and 0.035 < counts["test"] < 0.065
    # adding other pieces changes nothing: a piece's split is a function of its notes alone
    assert [split_of(m) for m in melodies[:100]] == splits[:100]


def test_a_group_shares_one_split_whatever_the_notes():
    from composer.data.styles import split_group

    rng = np.random.default_rng(2)
    group = split_group("music21", "essenFolksong/variant0.abc")
    assert group and len({split_of(_melody(rng), group) for _ in range(50)}) == 1
    assert split_group("music21", "essenFolksong/erk5.abc") is None
    assert split_group("my_music", "essenFolksong/variant0.abc") is None
