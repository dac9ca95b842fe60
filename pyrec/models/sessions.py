"""ONNX Runtime sessions, made lazily, verified first, one set per process.

Scan workers are processes: each makes its own sessions the first time it
needs them (a session inherited through ``fork`` would share thread pools
with the parent, so the cache is keyed by pid). Each session uses one
intra-op thread by default, because the workers already fill the cores;
``PYREC_ONNX_THREADS`` or :func:`set_threads` changes that.
"""

from __future__ import annotations

import os
import threading

import onnxruntime as ort

from pyrec.errors import ModelError
from pyrec.models.registry import ModelSpec, verify

THREADS_ENV = "PYREC_ONNX_THREADS"

_lock = threading.Lock()
_sessions: dict[tuple[str, str, int], ort.InferenceSession] = {}
_owner_pid = os.getpid()
_threads: int | None = None
_telemetry_off = False


def threads() -> int:
    """Intra-op threads for new sessions: set_threads(), else $PYREC_ONNX_THREADS, else 1."""
    if _threads is not None:
        return _threads
    raw = os.environ.get(THREADS_ENV, "").strip()
    if raw:
        try:
            value = int(raw)
        except ValueError:
            raise ModelError(f"{THREADS_ENV} must be a whole number, not {raw!r}") from None
        if value < 1:
            raise ModelError(f"{THREADS_ENV} must be at least 1, not {value}")
        return value
    return 1


def set_threads(count: int | None) -> None:
    """Threads for sessions made from now on (None: back to the default)."""
    global _threads
    if count is not None and count < 1:
        raise ValueError("a session needs at least one thread")
    _threads = count


def _options(count: int) -> ort.SessionOptions:
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = count
    opts.inter_op_num_threads = 1
    opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    opts.log_severity_level = 3  # errors only; warnings about unused initialisers are noise
    # Idle pool threads would otherwise spin on cores other workers need.
    opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return opts


def get_session(spec: ModelSpec) -> ort.InferenceSession:
    """The session for ``spec`` in this process, created (and verified) on first use."""
    global _owner_pid, _telemetry_off
    count = threads()
    key = (spec.id, str(spec.path), count)
    with _lock:
        if os.getpid() != _owner_pid:  # forked: the parent's sessions are not ours
            _sessions.clear()
            _owner_pid = os.getpid()
        session = _sessions.get(key)
        if session is not None:
            return session
        verify(spec)
        if not _telemetry_off:
            ort.disable_telemetry_events()
            _telemetry_off = True
        try:
            session = ort.InferenceSession(str(spec.path), _options(count), providers=["CPUExecutionProvider"])
        except Exception as exc:  # ORT raises its own exception types for bad graphs
            raise ModelError(f"ONNX Runtime cannot load it: {str(exc).splitlines()[0]}", spec.path) from None
        _check_outputs(spec, session)
        _sessions[key] = session
        return session


def _check_outputs(spec: ModelSpec, session: ort.InferenceSession) -> None:
    names = [o.name for o in session.get_outputs()]
    for wanted in (spec.output, spec.probs_output):
        if wanted is not None and wanted not in names:
            raise ModelError(f"model {spec.id!r} has no output {wanted!r} (it has {names})", spec.path)


def clear_sessions() -> None:
    """Drop every cached session (tests, or after the user edits models.json)."""
    with _lock:
        _sessions.clear()
