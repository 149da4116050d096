"""Voice roles: what each voice does in the texture (melody, bass, harmony, drums).

The co-writer conditions each note on its voice's role, and "add a part" asks for a role. A
voice's own `Voice.role` wins; otherwise the role is inferred from what a MIDI file says about
the part (drum channel, General MIDI program) and from its notes (register and polyphony), the
cues arrangers and track-type classifiers use (cf. the MIDI track roles of Dong et al.'s
MuseGAN data and of MMM, Ens et al. 2020).

Rules, in order (the first that applies decides):
1. `Voice.role` set to one of ROLES: that role.
2. `Voice.is_drum` (channel 10): "drums".
3. A GM bass program (33-40, 0-based 32-39): "bass".
4. A voice with no notes: "melody" (nothing says otherwise).
5. Chordal voices (at least CHORD_SHARE of its onsets sound 2+ notes together): "harmony".
6. Single-line voices, by mean pitch: below LOW_REGISTER (C3) "bass"; the highest line
   "melody" (unless it is the only line, below BASS_CEILING (G3), under chords or a voice
   sounding BASS_GAP semitones higher: then "bass"); the lowest of several lines "bass" if
   below BASS_CEILING and BASS_GAP semitones under the next line; the others "harmony".
"""

from __future__ import annotations

from collections import defaultdict

from composer.music.region import ROLES
from composer.music.score import Note, Score

BASS_PROGRAMS = range(32, 40)  # GM family "Bass", 0-based
CHORD_SHARE = 0.3
BASS_CEILING = 55  # G3
LOW_REGISTER = 48  # C3
BASS_GAP = 5


def polyphony_share(notes: list[Note]) -> float:
    """Share of distinct onsets (0-1) at which the notes sound two or more pitches together."""
    by_onset: dict[int, int] = defaultdict(int)
    for note in notes:
        by_onset[note.onset] += 1
    return sum(1 for count in by_onset.values() if count > 1) / max(1, len(by_onset))


def infer_roles(score: Score) -> list[str]:
    """One role (an entry of composer.music.region.ROLES) per voice of `score`, by the rules in
    the module doc. Never raises for odd input: an unknown `Voice.role` is ignored (inferred)."""
    notes_of: dict[int, list[Note]] = defaultdict(list)
    for note in score.notes:
        notes_of[note.voice].append(note)
    roles: list[str | None] = [None] * len(score.voices)
    lines: list[tuple[float, int]] = []  # (mean pitch, voice) of undecided single-line voices
    for index, voice in enumerate(score.voices):
        notes = notes_of.get(index, [])
        if voice.role in ROLES:
            roles[index] = voice.role
        elif voice.is_drum:
            roles[index] = "drums"
        elif voice.program in BASS_PROGRAMS:
            roles[index] = "bass"
        elif not notes:
            roles[index] = "melody"
        elif polyphony_share(notes) >= CHORD_SHARE:
            roles[index] = "harmony"
        else:
            lines.append((sum(n.pitch for n in notes) / len(notes), index))
    lines.sort()
    for rank, (mean, index) in enumerate(lines):
        highest = rank == len(lines) - 1
        if mean < LOW_REGISTER:
            roles[index] = "bass"
        elif highest and not (len(lines) == 1 and mean < BASS_CEILING and _others_higher(score, roles, index, mean)):
            roles[index] = "melody"
        elif rank == 0 and mean < BASS_CEILING and (highest or lines[1][0] - mean >= BASS_GAP):
            roles[index] = "bass"
        else:
            roles[index] = "harmony"
    return [role or "melody" for role in roles]


def _others_higher(score: Score, roles: list[str | None], index: int, mean: float) -> bool:
    """Whether some already-decided pitched voice sounds higher on average than `mean` (then a
    lone single line under chords is a bass line, not the tune)."""
    for other, role in enumerate(roles):
        if other == index or role in (None, "drums"):
            continue
        pitches = [n.pitch for n in score.notes if n.voice == other]
        if pitches and sum(pitches) / len(pitches) > mean + BASS_GAP:
            return True
    return False
