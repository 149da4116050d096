"""Fuzzing every door with the shared limits (issue 11): each reader (MIDI, ABC, MusicXML,
Humdrum) and the project loader get generated files, damaged ones as today (random bytes,
corrupted real files) and well-formed ones built around composer.music.limits (thousands of
tracks, wild tempos, far-off onsets, huge keys and meters, hundreds of voices, long titles).

The contract: a ScoreFileError naming the file, or scores inside the limits that save as a
project and reopen unchanged. Kept to a few seconds by small example counts; how long each reader
takes is measured in bench/reliability.py, never asserted here."""

from __future__ import annotations

import json
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from composer.io import ScoreFileError, read_scores
from composer.io.project_file import Project, load_project, save_project
from composer.music import limits
from handmade_smf import event, meta, note, smf, track, vlq

pytestmark = pytest.mark.timeout(300)
_common = dict(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
fast = settings(max_examples=25, **_common)
slow = settings(max_examples=6, **_common)  # music21 parses take tens of milliseconds each


def holds(path) -> None:
    """The contract for one file through the reader door."""
    try:
        scores = read_scores(path)
    except ScoreFileError as error:
        assert path.name in str(error)
        return
    for score in scores:
        assert not limits.score_problems(score), limits.score_problems(score)
        saved = path.with_name(path.name + ".composer.json")
        save_project(Project(score), saved)
        again = load_project(saved).score
        assert again.notes == score.sorted_notes()
        assert again.tempos == score.tempos and len(again.voices) == len(score.voices)


def project_holds(path) -> None:
    """The contract for the project door: refused with the file's name, or saves and reopens."""
    try:
        project = load_project(path)
    except ScoreFileError as error:
        assert path.name in str(error)
        return
    assert not limits.score_problems(project.score)
    again = path.with_name("again.composer.json")
    save_project(project, again)
    assert load_project(again).score.notes == project.score.sorted_notes()


# --- MIDI ---------------------------------------------------------------------------------

@st.composite
def midi_files(draw) -> bytes:
    tracks = []
    for index in range(draw(st.sampled_from([1, 3, 17, 300]))):  # 300: past MAX_VOICES when on many programs
        events = [event(0, 0xC0 | (index % 16), draw(st.integers(0, 127)))] if draw(st.booleans()) else []
        if draw(st.integers(0, 9)) == 0:  # a tempo anywhere in the 3-byte range, a meter, a key
            events.append(meta(draw(st.integers(0, 2**20)), 0x51, draw(st.integers(1, 2**24 - 1)).to_bytes(3, "big")))
            events.append(meta(0, 0x58, bytes([draw(st.integers(0, 255)), draw(st.integers(0, 8)), 24, 8])))
            events.append(meta(0, 0x59, bytes([draw(st.integers(0, 255)), draw(st.integers(0, 2))])))
        for _ in range(draw(st.integers(0, 3))):
            delta = draw(st.sampled_from([0, 1, 480, 2**20, 2**28 - 1]))
            events.append(note(delta, draw(st.integers(0, 127)), draw(st.integers(0, 2**21)),
                               draw(st.integers(1, 127)), channel=index % 16))
        tracks.append(track(*events))
    return smf(*tracks, division=draw(st.sampled_from([1, 96, 480, 0x7FFF])))


@fast
@given(data=midi_files())
def test_generated_midi_files_around_the_limits(file_of, data):
    holds(file_of(data, ".mid"))


@fast
@given(blob=st.binary(max_size=300))
def test_random_bytes_through_every_reader(file_of, blob):
    for suffix in (".mid", ".abc", ".xml", ".krn"):
        holds(file_of(blob, suffix))


# --- ABC, MusicXML, Humdrum -------------------------------------------------------------------

@st.composite
def abc_tunes(draw) -> bytes:
    meter = draw(st.sampled_from(["4/4", "6/8", "3/4", "C|", "65/1", "1000/1", "2+3+2/8"]))
    unit = draw(st.sampled_from(["1/8", "1/16", "1/4", "9999991/8"]))
    key = draw(st.sampled_from(["D", "Gm", "Bbmix", "C#", "Cb", "K", "none"]))
    title = "T" * draw(st.sampled_from([1, limits.MAX_TITLE, limits.MAX_TITLE + 10]))
    bar = draw(st.sampled_from(["d2fd Adfd|", "e2fg fe dBAF|", "[CEG]4 z4|", "A999|", "(3abc d2|", "z8|"]))
    body = bar * draw(st.integers(1, 200)) + "\n"
    voices = draw(st.integers(1, 3))
    text = f"X:1\nT:{title}\nM:{meter}\nL:{unit}\nQ:1/4={draw(st.sampled_from([1, 120, 5000]))}\nK:{key}\n"
    text += "".join(f"V:{v}\n{body}" for v in range(1, voices + 1)) if voices > 1 else body
    return text.encode()


@slow
@given(data=abc_tunes())
def test_generated_abc_tunes_around_the_limits(file_of, data):
    holds(file_of(data, ".abc"))


@st.composite
def musicxml_files(draw) -> bytes:
    fifths = draw(st.sampled_from(["0", "-7", "7", "14", "31", "99999999999", "x"]))
    beats = draw(st.sampled_from(["3", "64", "65", "1000", "3+2"]))
    measures = "".join(
        f'<measure number="{m}"><note><pitch><step>C</step><octave>4</octave></pitch><duration>1</duration></note></measure>'
        for m in range(2, draw(st.integers(2, 60))))
    return (f'<?xml version="1.0"?><score-partwise version="4.0"><part-list><score-part id="P1"><part-name>'
            f'{"P" * draw(st.sampled_from([1, 300]))}</part-name></score-part></part-list><part id="P1">'
            f'<measure number="1"><attributes><divisions>{draw(st.sampled_from([1, 10080, 2**31]))}</divisions>'
            f'<key><fifths>{fifths}</fifths></key><time><beats>{beats}</beats><beat-type>4</beat-type></time>'
            f'</attributes><sound tempo="{draw(st.sampled_from([60, 0.001, 1e9]))}"/>'
            f'<note><pitch><step>A</step><octave>4</octave></pitch><duration>1</duration></note></measure>'
            f'{measures}</part></score-partwise>').encode()


@slow
@given(data=musicxml_files())
def test_generated_musicxml_around_the_limits(file_of, data):
    holds(file_of(data, ".xml"))


@slow
@given(meter=st.sampled_from(["*M4/4", "*M1000/1", "*M65/8"]), notes=st.integers(1, 100))
def test_generated_humdrum_around_the_limits(file_of, meter, notes):
    text = "**kern\n" + meter + "\n" + "4c\n" * notes + "*-\n"
    holds(file_of(text.encode(), ".krn"))


# --- the project loader -----------------------------------------------------------------------

@st.composite
def projects(draw) -> bytes:
    voices = draw(st.sampled_from([1, 2, limits.MAX_VOICES, limits.MAX_VOICES + 1]))
    bpm = draw(st.sampled_from([limits.MIN_BPM, 120.0, limits.MAX_BPM, limits.MAX_BPM + 0.5, 0.5, 1e300]))
    onset = draw(st.sampled_from([0, limits.MAX_TICK - 1, limits.MAX_TICK, limits.MAX_TICK + 1, -1]))
    numerator = draw(st.sampled_from([1, 4, limits.MAX_METER_NUMERATOR, limits.MAX_METER_NUMERATOR + 1, 0]))
    title = "t" * draw(st.sampled_from([0, limits.MAX_TITLE, limits.MAX_TITLE + 1]))
    rows = [[60 + i % 12, i * 480, 480, 80, i % voices, i % 2] for i in range(draw(st.integers(0, 50)))]
    rows.append([60, onset, 1, 80, voices - 1, 0])
    data = {"format": "composer-project", "version": 1,
            "score": {"title": title, "time_signature": [numerator, 4], "tempos": [[0, bpm]],
                      "meters": [[0, numerator, 4]], "voices": [{"name": f"v{i}"} for i in range(voices)],
                      "notes": rows},
            "generation": {"temperature": 0.9}}
    text = json.dumps(data)
    if draw(st.booleans()):  # damage, as today's fuzzing does
        chars = list(text)
        rng = random.Random(draw(st.integers(0, 2**32)))
        for _ in range(draw(st.integers(1, 4))):
            chars[rng.randrange(len(chars))] = rng.choice('0123456789[]{}",:-e.x')
        text = "".join(chars)
    return text.encode()


@settings(max_examples=60, **_common)
@given(data=projects())
def test_generated_projects_around_the_limits(file_of, data):
    project_holds(file_of(data, ".composer.json"))


def test_varint_helper_is_the_standard_one():
    assert vlq(0x0FFFFFFF) == b"\xff\xff\xff\x7f"  # the longest delta the generators use
