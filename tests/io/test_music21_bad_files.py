"""The bad-file matrix for ABC, MusicXML (.xml, .mxl) and Humdrum: a Score or a ScoreFileError
naming the file, never another exception or a hang; one broken tune does not cost a collection."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from composer.io import ScoreFileError, read_score, read_scores
from composer.io.music21_reader import MAX_TEXT_BYTES

music21_corpus = pytest.importorskip("music21.corpus")
pytestmark = pytest.mark.timeout(120)
fuzz = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

PATHS = music21_corpus.getPaths()
SOURCES = {
    ".abc": next(p for p in PATHS if p.name == "teste.abc").read_bytes(),
    ".mxl": next(p for p in PATHS if "bach/bwv66.6.mxl" in str(p)).read_bytes(),
    ".xml": next(p for p in PATHS if "demos/two-voices.xml" in str(p)).read_bytes(),
    ".krn": min((p for p in PATHS if "palestrina" in str(p)), key=lambda p: p.stat().st_size).read_bytes(),
}

TWO_TUNES = """X:1
T:First
M:3/4
L:1/8
K:G
GAB cde|d2 B2 G2|]

X:2
T:Broken
K:D
[[[ (((((
X:3
T:Third
M:2/4
L:1/4
K:C
CD|EF|G2|]
"""


def read_or_error(path):
    try:
        return read_scores(path)
    except ScoreFileError as error:
        assert str(path) in str(error) and error.path == path
        return None


@pytest.mark.parametrize("suffix", sorted(SOURCES))
def test_prefixes_of_real_files(file_of, suffix):
    data = SOURCES[suffix]
    for cut in sorted({0, 1, 10, *range(0, len(data), max(1, len(data) // 12))}):
        read_or_error(file_of(data[:cut], suffix))


@pytest.mark.parametrize("suffix", sorted(SOURCES))
@fuzz
@given(blob=st.binary(max_size=300))
def test_random_bytes(file_of, suffix, blob):
    read_or_error(file_of(blob, suffix))


@pytest.mark.parametrize("suffix", [".abc", ".krn", ".xml"])
@fuzz
@given(data=st.data())
def test_corrupted_real_files(file_of, suffix, data):
    source = bytearray(SOURCES[suffix])
    for _ in range(data.draw(st.integers(1, 6))):
        position = data.draw(st.integers(0, len(source) - 1))
        source[position:position + data.draw(st.integers(0, 8))] = data.draw(st.binary(max_size=8))
    read_or_error(file_of(bytes(source), suffix))


@pytest.mark.parametrize("suffix", sorted(SOURCES))
def test_empty_files(file_of, suffix):
    with pytest.raises(ScoreFileError, match="empty"):
        read_score(file_of(b"", suffix))


def test_oversized_text_score_is_refused_before_parsing(tmp_path):
    path = tmp_path / "huge.abc"
    with open(path, "wb") as handle:
        handle.truncate(MAX_TEXT_BYTES + 1)
    with pytest.raises(ScoreFileError, match="up to 16 MB"):
        read_score(path)


def test_one_broken_tune_does_not_cost_the_collection(file_of, caplog):
    scores = read_scores(file_of(TWO_TUNES.encode(), ".abc"))
    assert [s.title for s in scores] == ["First", "Third"]
    assert "X:2 skipped" in caplog.text


def test_latin1_abc_reads_with_its_accents(file_of):
    text = TWO_TUNES.replace("T:First", "T:Chanson fran\xe7aise")
    assert read_scores(file_of(text.encode("latin-1"), ".abc"))[0].title == "Chanson fran\xe7aise"


def test_abc_header_defaults_reach_every_tune(file_of):
    text = "L:1/4\nM:3/4\n\nX:1\nT:A\nK:C\nCDE|]\n\nX:2\nT:B\nK:C\nEDC|]\n"
    scores = read_scores(file_of(text.encode(), ".abc"))
    assert [[n.duration for n in s.notes] for s in scores] == [[480] * 3, [480] * 3]


def test_mxl_that_would_unpack_to_gigabytes_is_refused(file_of):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("score.xml", "<score-partwise/>")
    data = bytearray(buffer.getvalue())
    central = data.index(b"PK\x01\x02")  # patch the central directory's uncompressed size
    data[central + 24:central + 28] = (4 * 2**30 - 1).to_bytes(4, "little")
    with pytest.raises(ScoreFileError, match="unpacks to 4096 MB"):
        read_score(file_of(bytes(data), ".mxl"))


def test_xml_entity_bomb_is_refused(file_of):
    entities = "".join(f'<!ENTITY e{i} "{("&e%d;" % (i - 1)) * 10}">' for i in range(1, 10))
    bomb = f'<?xml version="1.0"?><!DOCTYPE s [<!ENTITY e0 "ha">{entities}]><score-partwise>&e9;</score-partwise>'
    with pytest.raises(ScoreFileError, match="not a readable .xml file"):
        read_score(file_of(bomb.encode(), ".xml"))


@pytest.mark.timeout(30)
def test_absurdly_long_notes_skip_their_tune_instead_of_eating_memory(file_of, caplog):
    # found by fuzzing: music21 needs gigabytes and minutes to re-bar a measure holding this rest
    hostile = TWO_TUNES.replace("[[[ (((((", "M:4/4\nL:1/8\nCDEF z99999993 CDEF | CDEF |]")
    scores = read_scores(file_of(hostile.encode(), ".abc"))
    assert [s.title for s in scores] == ["First", "Third"]
    assert "a note 99999993 units long" in caplog.text


@pytest.mark.timeout(30)
def test_a_file_of_only_hostile_tunes_is_an_error(file_of):
    text = "X:1\nT:Long\nM:4/4\nL:1/8\nK:C\nCDEF [CEG]9999 | CDEF |]\n"
    with pytest.raises(ScoreFileError, match="units long"):
        read_scores(file_of(text.encode(), ".abc"))


@pytest.mark.timeout(30)
def test_humdrum_with_an_absurd_meter_is_refused(file_of):
    text = SOURCES[".krn"].decode("latin-1")
    spines = next(line for line in text.splitlines() if line.startswith("**")).count("\t") + 1
    bad = text.replace("\n=", "\n" + "\t".join(["*M1000/1"] * spines) + "\n=", 1)
    with pytest.raises(ScoreFileError, match="meter of 1000 beats"):
        read_score(file_of(bad.encode("latin-1"), ".krn"))


@pytest.mark.timeout(30)
def test_musicxml_with_an_absurd_meter_is_refused(file_of):
    text = SOURCES[".xml"].decode("utf-8")
    bad = text.replace("<beats>4</beats>", "<beats>1000</beats>")
    with pytest.raises(ScoreFileError, match="meter of 1000 beats"):
        read_score(file_of(bad.encode(), ".xml"))
    with zipfile.ZipFile(io.BytesIO(SOURCES[".mxl"])) as archive:
        members = {info.filename: archive.read(info) for info in archive.infolist()}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for filename, content in members.items():
            if filename.endswith(".xml") and not filename.startswith("META-INF"):
                content = re.sub(rb"<beats>\d+</beats>", b"<beats>999</beats>", content)
            archive.writestr(filename, content)
    with pytest.raises(ScoreFileError, match="meter of 999 beats"):
        read_score(file_of(buffer.getvalue(), ".mxl"))
