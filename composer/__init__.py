"""Composer: a desktop music composer with a neural co-writer."""

import os

__version__ = "0.1.0"

# OpenMP threads that spin while they wait make torch 6x slower as soon as another busy thread
# (audio, MIDI, the GUI, another process) shares the cores; measured with 2 threads on 2 cores.
# Passive waiting costs nothing measurable when the cores are free. Must be set before torch loads.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
