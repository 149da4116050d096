"""The model's note vocabulary: one step per note, each step a tuple of small integer attributes.

Time runs on a grid of 12 steps per quarter note (16ths and triplets both fit). A step holds
  pitch     0..127
  delta     grid ticks since the previous note's onset, 0 = same chord, clamped to MAX_DELTA
  duration  grid ticks, 1..MAX_DURATION, stored as index duration-1
  velocity  one of VELOCITY_BINS bins
and, as inputs only, two derived features that make patterns easier to learn:
  interval  semitones from the previous note (clamped), and
  position  where the onset falls within the bar.
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

# Predicted attributes, in the order the heads factor them. Pitch comes first so that its
# cross-entropy is the marginal P(pitch | history), directly comparable with the n-gram baseline.
TARGETS = ("pitch", "delta", "duration", "velocity")
TARGET_SIZES = {"pitch": N_PITCH, "delta": N_DELTA, "duration": N_DURATION, "velocity": N_VELOCITY}
# Input features of a step, the targets plus the derived ones.
FEATURES = TARGETS + ("interval", "position")
FEATURE_SIZES = {**TARGET_SIZES, "interval": N_INTERVAL, "position": N_POSITION}


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
