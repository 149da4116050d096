"""ABC, MusicXML and Humdrum pieces from music21's bundled corpus read into sensible Scores."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from composer.io import read_score, read_scores
from composer.music import Key, TimeSignature

music21_corpus = pytest.importorskip("music21.corpus")
PATHS = music21_corpus.getPaths()


def corpus_file(fragment: str) -> Path:
    return next(p for p in PATHS if fragment in str(p))


def mean_pitch(score, voice):
    pitches = [n.pitch for n in score.notes if n.voice == voice]
    return sum(pitches) / len(pitches)


def test_bach_chorale_has_four_voices_in_f_sharp_minor():
    score = read_score(corpus_file("bach/bwv66.6.mxl"))
    assert [v.name for v in score.voices] == ["Soprano", "Alto", "Tenor", "Bass"]
    assert score.key == Key.parse("F# minor")
    assert score.time_signature == TimeSignature(4, 4)
    for voice in range(4):
        assert 25 <= sum(n.voice == voice for n in score.notes) <= 80  # a chorale: one note a beat or so
    means = [mean_pitch(score, v) for v in range(4)]
    assert means == sorted(means, reverse=True)  # soprano above alto above tenor above bass
    bars = score.end / score.time_signature.bar_ticks
    assert 8 <= bars <= 12  # short chorale: about ten bars


def abc_fields(text: str, field: str) -> list[str]:
    """The value of `field` in each tune of an ABC text, read directly from the text."""
    values = []
    for tune in re.split(r"^X:", text, flags=re.M)[1:]:
        match = re.search(rf"^{field}:\s*(\S+)", tune, flags=re.M)
        values.append(match.group(1) if match else "")
    return values


def test_essen_abc_collection_yields_every_tune_with_its_meter():
    path = corpus_file("essenFolksong/teste.abc")
    text = path.read_text(encoding="utf-8", errors="replace")
    scores = read_scores(path)
    meters = abc_fields(text, "M")
    assert len(scores) == len(meters) == len(re.findall(r"^X:", text, flags=re.M)) > 1
    for score, meter in zip(scores, meters):
        numerator, denominator = meter.split("/")
        assert score.time_signature == TimeSignature(int(numerator), int(denominator))
        assert len(score.voices) == 1 and len(score.notes) >= 8
        assert score.key is not None and score.title
        onsets = [n.onset for n in score.sorted_notes()]
        assert len(set(onsets)) == len(onsets)  # a folk melody: one note at a time
    assert read_score(path).title == scores[0].title


def test_palestrina_humdrum_has_its_voices():
    path = min((p for p in PATHS if "palestrina" in str(p) and p.suffix == ".krn"), key=lambda p: p.stat().st_size)
    spines = next(line for line in path.read_text(encoding="latin-1").splitlines() if line.startswith("**")).split("\t")
    score = read_score(path)
    assert len(score.voices) == sum(s == "**kern" for s in spines)
    assert all(any(n.voice == v for n in score.notes) for v in range(len(score.voices)))
    assert all(36 <= n.pitch <= 84 for n in score.notes)  # vocal ranges


def test_uncompressed_musicxml():
    path = corpus_file("demos/two-voices.xml")
    score = read_score(path)
    assert len(score.notes) > 10 and score.end > 0
