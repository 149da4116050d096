"""The one generation service (composer.generate.CoWriter + composer.request): requests for
continue, fill and add-part, bars from the meter map, and the contract that notes outside the
region are never touched. An untrained small model drives the real request path; these tests are
about the service, not about musical quality (see test_parts_quality.py for that)."""

from __future__ import annotations

import pickle
import sys
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parent.parent))
from parts_music import four_voice_score, random_checkpoint  # noqa: E402

from composer.generate import CoWriter  # noqa: E402
from composer.music.region import Controls, Region  # noqa: E402
from composer.music.scales import Key  # noqa: E402
from composer.music.score import Note, Score, TimeSignature, Voice  # noqa: E402
from composer.request import (  # noqa: E402
    GenerationRequest, add_part, bar_span, continue_request, fill_request, parse_bars, sounding_at_end, voice_indices,
)

BAR = 1920


@pytest.fixture(scope="module")
def cowriter(tmp_path_factory):
    return CoWriter.load(random_checkpoint(tmp_path_factory.mktemp("ckpt") / "random.safetensors"))


def test_bars_are_counted_from_one_and_follow_the_meter():
    score = four_voice_score()
    assert bar_span(score, 1, 1) == (0, BAR)
    assert bar_span(score, 5, 6) == (4 * BAR, 6 * BAR)
    assert bar_span(score, 12, 12) == (11 * BAR, 12 * BAR)  # past the end: bars go on
    waltz = Score(notes=[Note(60, 0, 480)], time_signature=TimeSignature(3, 4))
    assert bar_span(waltz, 2, 3) == (1440, 3 * 1440)
    assert parse_bars("5-6") == (5, 6) and parse_bars("3") == (3, 3)
    for bad in ("6-5", "x", "1-2-3"):
        with pytest.raises(ValueError, match="range of bars"):
            parse_bars(bad)


def test_a_pickup_is_bar_zero():
    from composer.music.meter import pickup_meter

    score = Score(notes=[Note(60, 0, 480)], meters=[pickup_meter(4, 4, 480)])  # one-beat pickup
    assert bar_span(score, 0, 0) == (0, 480)
    assert bar_span(score, 1, 2) == (480, 480 + 2 * BAR)


def test_continue_writes_the_voices_sounding_at_the_end_drums_included():
    score = four_voice_score()
    assert sounding_at_end(score) == (0, 1, 2, 3)
    score.notes = [n for n in score.notes if not (n.voice == 1 and n.onset >= 6 * BAR)]  # chords stop early
    request = continue_request(score)
    assert request.region == Region(score.end, None, (0, 2, 3)) and request.bars == 4
    assert voice_indices(score, "bass,Melody") == (2, 0) and voice_indices(score, "4") == (3,)
    with pytest.raises(ValueError, match="no voice 'Piano'.*1 Melody \\(melody\\)"):
        voice_indices(score, "Piano")
    # a piano played with both hands in one track is listed as such, not by its tune's role (QA qa27)
    piano = Score(notes=[Note(p, b * BAR + k, BAR // 2, 70) for b in range(8) for k, p in
                         enumerate((36, 48, 52, 55, 72 + b % 3))], voices=[Voice("Piano", 0)])
    with pytest.raises(ValueError, match=r"this score has: 1 Piano \(both hands\)$"):
        voice_indices(piano, "Flute")
    # a tune resting through the last bar (the left hand holds the final chord) goes on too (QA qa17 M4)
    score.notes = [n for n in score.notes if not (n.voice == 0 and n.onset >= 7 * BAR)]
    assert max(n.end for n in score.notes if n.voice == 0) <= 7 * BAR < score.end
    assert continue_request(score).region.voices == (0, 2, 3)


def test_requests_pickle_for_the_model_process():
    request = fill_request(four_voice_score(), 2 * BAR, 4 * BAR, key=Key(2), controls=Controls(lowest=50, grid="triplet"))
    copy = pickle.loads(pickle.dumps(request))
    assert copy.region == request.region and copy.controls == request.controls and copy.key == Key(2)
    assert copy.score.notes == request.score.notes and copy.score.voices == request.score.voices


def test_bad_requests_are_clear_errors():
    score = four_voice_score(2)
    with pytest.raises(ValueError, match="voice 9 is not in the score"):
        GenerationRequest(score, Region(0, BAR, (8,)))
    with pytest.raises(ValueError, match="unknown part 'tuba'"):
        add_part(score, "tuba")
    with pytest.raises(ValueError, match="variations"):
        fill_request(score, 0, BAR, variations=0)
    with pytest.raises(ValueError, match="no notes around"):
        fill_request(Score(), 0, BAR)


def test_key_auto_is_detected_from_the_music_outside_the_region():
    score = four_voice_score()
    assert fill_request(score, 2 * BAR, 3 * BAR).resolved_key() == Key(2, "major")
    assert fill_request(score, 2 * BAR, 3 * BAR, key=None).resolved_key() is None
    assert fill_request(score, 2 * BAR, 3 * BAR, key="A:minor").resolved_key() == Key(9, "minor")


def test_key_auto_follows_the_chords_asked_for_the_region():
    """A C major seed continued over Bb | Eb | Bb | F7: the auto key lock must allow B flat and E
    flat (it forbade them, and the melody sat on G and F over an E flat chord)."""
    from composer.music.chords import ChordSymbol
    from composer.music.region import Region
    from composer.request import GenerationRequest

    tune = [60, 62, 64, 65, 67, 65, 64, 62, 60, 64, 67, 72, 67, 64, 62, 60]
    score = Score(notes=[Note(p, i * 480, 480, 90) for i, p in enumerate(tune)])
    chords = [ChordSymbol(8 * BAR // 2 + i * BAR, BAR, f) for i, f in enumerate(["Bb", "Eb", "Bb", "F7"])]
    request = GenerationRequest(score, Region(len(tune) * 480, None, (0,)), chords=chords)
    key = request.resolved_key()
    assert key is not None and key.contains(70) and key.contains(63)  # B flat, E flat
    assert GenerationRequest(score, Region(len(tune) * 480, None, (0,))).resolved_key() == Key(0, "major")


def test_add_part_appends_a_voice_with_its_role_and_program(cowriter):
    score = four_voice_score(4)
    # (the score has a "Bass" already: a second one is asked for anyway, tests/model/test_drums_bass_beside.py;
    # the new one is "Bass 2", tests/commands/test_added_part_name.py)
    bass = add_part(score, "bass", seed=1, anyway=True)
    assert bass.score.voices[-1] == Voice("Bass 2", program=33, role="bass") and bass.region.voices == (4,)
    assert bass.region.start == 0 and bass.region.end == 4 * BAR and len(score.voices) == 4  # input untouched
    # (the score has a harmony part, "Chords": a second one is asked for anyway, tests/model/test_harmony_beside_harmony.py)
    assert add_part(score, "harmony", anyway=True).score.voices[-1].program == 48  # a piano is already there
    drums = add_part(score, "drums", anyway=True).score.voices[-1]  # (a kit is there too: asked anyway)
    assert drums.is_drum and drums.role == "drums"
    counter = add_part(score, "counter")
    assert counter.controls.highest < 76 and counter.score.voices[-1].role == "melody"  # under the tune
    (variation,) = cowriter.generate(bass)
    assert len(variation.voices) == 5
    new = [n for n in variation.notes if n not in score.notes]
    assert new and all(n.voice == 4 and n.generated and 0 <= n.onset < 4 * BAR for n in new)


def scores_and_regions():
    note = st.builds(lambda p, bar, step, length, voice: Note(p, bar * BAR + step * 120, length * 120, 80, voice),
                     st.integers(40, 90), st.integers(0, 5), st.integers(0, 15), st.integers(1, 8), st.integers(0, 2))
    return st.tuples(st.lists(note, min_size=3, max_size=40), st.integers(1, 5), st.integers(0, 2),
                     st.sets(st.integers(0, 2), min_size=1), st.integers(0, 2**16))


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=scores_and_regions())
def test_notes_outside_a_fill_region_are_untouched(cowriter, case):
    notes, first, extra, voices, seed = case
    score = Score(notes=notes, voices=[Voice("a"), Voice("b"), Voice("c")])
    start, end = bar_span(score, first, first + extra)
    request = fill_request(score, start, end, tuple(sorted(voices)), variations=2, seed=seed)
    inside = lambda n: n.voice in voices and start <= n.onset < end  # noqa: E731
    assume(any(not inside(n) for n in notes))  # with nothing around the gap, the request is refused
    for variation in cowriter.generate(request):
        kept = [n for n in variation.notes if not (n.generated and inside(n))]
        assert Counter(kept) == Counter(n for n in score.notes if not inside(n))
        assert all(inside(n) for n in variation.notes if n not in score.notes)
        assert variation.voices == score.voices
