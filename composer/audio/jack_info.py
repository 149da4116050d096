"""Ask a running JACK server for its buffer size, sample rate and playback latency.

FluidSynth's JACK driver renders one JACK period per cycle but does not report it, so the
status bar would otherwise show nothing useful. A few libjack calls through ctypes (libjack is
there whenever FluidSynth's JACK driver works) answer; no Python JACK binding is needed.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
from dataclasses import dataclass

_NO_START_SERVER, _SERVER_NAME = 0x01, 0x04
_PLAYBACK_LATENCY = 1


class _LatencyRange(ctypes.Structure):
    _fields_ = [("min", ctypes.c_uint32), ("max", ctypes.c_uint32)]


@dataclass(frozen=True, slots=True)
class JackInfo:
    sample_rate: int
    buffer_size: int
    playback_latency: int  # frames from a client's output to the speaker (system:playback)


def query_jack(server: str | None = None) -> JackInfo | None:
    """JACK's figures, or None when there is no libjack or no server running."""
    name = ctypes.util.find_library("jack")
    if name is None:
        return None
    try:
        jack = ctypes.CDLL(name)
    except OSError:
        return None
    jack.jack_client_open.restype = ctypes.c_void_p
    jack.jack_port_by_name.restype = ctypes.c_void_p
    jack.jack_get_buffer_size.restype = ctypes.c_uint32
    jack.jack_get_sample_rate.restype = ctypes.c_uint32
    jack.jack_get_buffer_size.argtypes = jack.jack_get_sample_rate.argtypes = [ctypes.c_void_p]
    jack.jack_client_close.argtypes = [ctypes.c_void_p]
    jack.jack_port_by_name.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
    jack.jack_port_get_latency_range.argtypes = [ctypes.c_void_p, ctypes.c_int,
                                                 ctypes.POINTER(_LatencyRange)]
    status = ctypes.c_int(0)
    client_name = f"composer-probe-{os.getpid()}".encode()
    if server:
        client = jack.jack_client_open(client_name, _NO_START_SERVER | _SERVER_NAME,
                                       ctypes.byref(status), server.encode())
    else:
        client = jack.jack_client_open(client_name, _NO_START_SERVER, ctypes.byref(status))
    if not client:
        return None
    try:
        rate = jack.jack_get_sample_rate(client)
        buffer = jack.jack_get_buffer_size(client)
        latency = _LatencyRange(0, 0)
        port = jack.jack_port_by_name(client, b"system:playback_1")
        if port:
            jack.jack_port_get_latency_range(port, _PLAYBACK_LATENCY, ctypes.byref(latency))
        return JackInfo(int(rate), int(buffer), int(latency.max))
    finally:
        jack.jack_client_close(client)
