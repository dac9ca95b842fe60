"""pyrec: private, offline recommendations for your own video library."""

import os
from importlib.metadata import PackageNotFoundError, version

# ONNX Runtime's telemetry client writes a device id and an event queue under
# ~/.cache/Microsoft and resolves its collector's host name as soon as the
# module loads; only this variable, set before that import, stops it. Every
# pyrec process (CLI, GUI, spawned scan workers, tools) imports this package
# first, and children inherit the environment.
os.environ["ORT_DISABLE_TELEMETRY"] = "1"

try:
    __version__ = version("pyrec")
except PackageNotFoundError:  # running from a source tree without install
    __version__ = "0.0.0+src"

__all__ = ["__version__"]
