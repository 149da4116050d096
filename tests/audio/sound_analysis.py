"""Listening to rendered audio in tests: onsets, pitch (FFT) and loudness (RMS)."""

from __future__ import annotations

import math

import numpy as np

FRAME_S = 0.001  # onset detection resolution


def mono(audio: np.ndarray) -> np.ndarray:
    """int16 (frames, 2) or float -> float mono in [-1, 1]."""
    data = np.asarray(audio, dtype=np.float64)
    if data.ndim == 2:
        data = data.mean(axis=1)
    return data / 32768.0 if np.issubdtype(np.asarray(audio).dtype, np.integer) else data


def rms(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(x)))) if len(x) else 0.0


def frame_rms(x: np.ndarray, rate: int, window_s: float = 0.003) -> np.ndarray:
    """RMS every millisecond over the `window_s` ending there (so a rise is never early)."""
    hop = max(1, int(rate * FRAME_S))
    window = max(hop, int(rate * window_s))
    padded = np.concatenate([np.zeros(window - hop), x])
    power = np.concatenate([[0.0], np.cumsum(np.square(padded))])
    ends = np.arange(window, len(padded) + 1, hop)
    return np.sqrt((power[ends] - power[ends - window]) / window)


def detect_onsets(x: np.ndarray, rate: int, *, floor: float = 0.002, rise: float = 1.5,
                  refractory_s: float = 0.05, masking: float = 0.1,
                  silent_before: bool = True) -> list[float]:
    """Times (s) where the energy jumps `rise` times above the loudest of the 20 ms before it.

    The maximum (not the mean) of what came before, so a low note's own ripple is no onset;
    and a "rise" far below the last 500 ms's peak (`masking`) is a decaying tail's wobble.
    `silent_before=False` for audio cut from the middle of a stream: its first 20 ms only
    serve as the reference.
    """
    energy = frame_rms(x, rate)
    hop_s = max(1, int(rate * FRAME_S)) / rate
    onsets: list[float] = []
    last = -math.inf
    for i in range(0 if silent_before else 20, len(energy)):
        before = energy[max(0, i - 20): max(0, i - 1)]
        reference = float(before.max()) if len(before) else 0.0
        recent_peak = float(energy[max(0, i - 500): i].max()) if i else 0.0
        if (energy[i] > floor and energy[i] > rise * reference
                and energy[i] > masking * recent_peak and (i - last) * hop_s >= refractory_s):
            onsets.append(i * hop_s)
            last = i
    return onsets


def dominant_frequency(x: np.ndarray, rate: int) -> float:
    """The strongest spectral peak (Hann window, zero-padded, parabolic interpolation)."""
    n = 1 << max(14, int(len(x) - 1).bit_length())
    spectrum = np.abs(np.fft.rfft(x * np.hanning(len(x)), n))
    spectrum[: int(40 * n / rate)] = 0  # ignore DC and rumble
    k = int(np.argmax(spectrum))
    if 0 < k < len(spectrum) - 1:
        a, b, c = np.log(spectrum[k - 1: k + 2] + 1e-12)
        k = k + 0.5 * (a - c) / (a - 2 * b + c)
    return k * rate / n


def midi_of(frequency: float) -> float:
    return 69 + 12 * math.log2(frequency / 440.0)


def segment(x: np.ndarray, rate: int, start_s: float, end_s: float) -> np.ndarray:
    return x[int(start_s * rate): int(end_s * rate)]
