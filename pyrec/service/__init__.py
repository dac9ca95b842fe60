"""The one API the front ends (CLI, GUI) use. It owns the library connection,
the cache dir and the long jobs; front ends never run SQL or call the core.

PyrecService is assembled from small mixins, one concern each (scanning,
browsing, recommending, behaviour, privacy, diagnostics), all sharing one library.

Importing this is kept light (no OpenCV, ONNX Runtime or scanner): those load
inside the methods that need them, so the desktop app opens sooner.
"""

from pyrec.service.base import ServiceBase
from pyrec.service.browsing import BrowsingMixin
from pyrec.service.diagnostics import DiagnosticsMixin
from pyrec.service.privacy import PrivacyMixin
from pyrec.service.recommending import RecommendingMixin
from pyrec.service.scanning import ScanningMixin


class PyrecService(ScanningMixin, BrowsingMixin, RecommendingMixin, PrivacyMixin, DiagnosticsMixin, ServiceBase):
    """A library plus everything to do with it. Use as a context manager or call close()."""


__all__ = ["PyrecService"]
