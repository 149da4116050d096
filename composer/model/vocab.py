"""The model's note vocabulary: one step per note, each step a tuple of small integer attributes.

Time runs on a grid of 12 steps per quarter note (16ths and triplets both fit). A step holds
  pitch     0..127
  delta     grid ticks since the previous note's onset, 0 = same chord, clamped to MAX_DELTA
  duration  grid ticks, 1..MAX_DURATION, stored as index duration-1
  velocity  one of VELOCITY_BINS bins
and, as inputs only, two derived features that make patterns easier to learn:
  interval  semitones from the previous note of the same voice (clamped), and
  position  where the onset falls within its bar (from the score's meter map),
and the context features listed at FEATURES (voice role, key, chord, region).
"""

from __future__ import annotations

from composer.music.score import TICKS_PER_QUARTER

GRID_PER_QUARTER = 12
TICKS_PER_GRID = TICKS_PER_QUARTER // GRID_PER_QUARTER  # 40 score ticks per grid step

N_PITCH = 128
MAX_DELTA = 96  # two bars of 4/4; longer rests are clamped
N_DELTA = MAX_DELTA + 1
MAX_DURATION = 96
N_DURATION = MAX_DURATION
VELOCITY_BINS = 16
N_VELOCITY = VELOCITY_BINS
MAX_INTERVAL = 24
N_INTERVAL = 2 * MAX_INTERVAL + 2  # -24..+24 and one "no previous note" index
NO_INTERVAL = N_INTERVAL - 1
MAX_POSITION = 96  # positions in bars up to 8 quarters long
N_POSITION = MAX_POSITION

# Multi-voice and context features (whole-piece memory, regions, chords; see composer/model/encoding.py).
MAX_VOICES = 8  # voice slots per piece: the voices of a window, in score order; later ones share the last
N_VOICE = MAX_VOICES
ROLES = ("melody", "bass", "harmony", "drums")  # composer.music.region.ROLES
N_ROLE = len(ROLES) + 1  # + unknown
UNKNOWN_ROLE = len(ROLES)
N_KEY = 25  # 12 major tonics, 12 minor tonics, unknown (modes map to their major/minor relative by tonic)
UNKNOWN_KEY = 24
N_CHORD_ROOT = 13  # pitch classes + none
NO_CHORD_ROOT = 12
N_CHORD_QUALITY = 17  # composer.music.chords.QUALITIES (at most 16) + none
NO_CHORD_QUALITY = 16
# Where a step lies relative to the region being written: encoder steps before it, after it, or
# inside it in another voice (what a fill or an added part must fit), and decoder steps.
SEGMENTS = ("before", "after", "inside", "target")
N_SEGMENT = len(SEGMENTS)
# Bar of the onset counted from the region's start: 0 = before the region, 1..MAX_REGION_BARS
# = bar k-1 of the region (later bars share the last), MAX_REGION_BARS + 1 = after the region.
MAX_REGION_BARS = 16
N_REGION_BAR = MAX_REGION_BARS + 2
# Grid ticks from a decoder step's onset to the region's end (clamped); OPEN = no end (continue).
MAX_TO_END = 96
N_TO_END = MAX_TO_END + 2
OPEN_END = MAX_TO_END + 1
# Asked notes per bar per target voice, 1..MAX_DENSITY; 0 = not asked.
MAX_DENSITY = 16
N_DENSITY = MAX_DENSITY + 1

# Predicted attributes, in the order the heads factor them: which voice plays next, then its pitch.
# In a melody (one voice) the voice is certain, so pitch cross-entropy is the marginal
# P(pitch | history), directly comparable with the PPM and n-gram baselines.
TARGETS = ("voice", "pitch", "delta", "duration", "velocity")
TARGET_SIZES = {"voice": N_VOICE, "pitch": N_PITCH, "delta": N_DELTA, "duration": N_DURATION, "velocity": N_VELOCITY}
# Input features of a step: the targets plus derived and context ones.
# next_root/next_quality: the next chord after the step's onset (within two bars, else none), so
# that a note that starts on a chord change can already follow the new chord.
FEATURES = TARGETS + ("interval", "position", "role", "key", "chord_root", "chord_quality", "next_root",
                      "next_quality", "segment", "region_bar", "to_end", "density")
FEATURE_SIZES = {**TARGET_SIZES, "interval": N_INTERVAL, "position": N_POSITION, "role": N_ROLE, "key": N_KEY,
                 "chord_root": N_CHORD_ROOT, "chord_quality": N_CHORD_QUALITY, "next_root": N_CHORD_ROOT,
                 "next_quality": N_CHORD_QUALITY, "segment": N_SEGMENT,
                 "region_bar": N_REGION_BAR, "to_end": N_TO_END, "density": N_DENSITY}


def velocity_bin(velocity: int) -> int:
    return min(VELOCITY_BINS - 1, max(0, (int(velocity) - 1) * VELOCITY_BINS // 127))


def bin_velocity(index: int) -> int:
    """The velocity at the middle of a bin."""
    low = index * 127 // VELOCITY_BINS + 1
    high = (index + 1) * 127 // VELOCITY_BINS
    return max(1, min(127, (low + high) // 2))


def bar_grid(numerator: int, denominator: int) -> int:
    """Bar length in grid ticks, clamped so positions fit the position vocabulary."""
    length = numerator * GRID_PER_QUARTER * 4 // max(1, denominator)
    return max(1, min(MAX_POSITION, length))
