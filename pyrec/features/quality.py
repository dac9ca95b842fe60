"""Is a frame worth keeping? Brightness, contrast and sharpness of one image."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

# Thresholds on the 0..255 grey scale of a frame downscaled to ~256 px.
DARK = 18.0  # mean below this: black or fade-out
BRIGHT = 240.0  # mean above this: white flash / overexposed
FLAT = 6.0  # std below this: a single colour (title card backgrounds, fades)
BLURRED = 12.0  # variance of the Laplacian below this: motion blur or out of focus


@dataclass(frozen=True)
class FrameQuality:
    brightness: float  # mean grey, 0..255
    contrast: float  # std of grey
    sharpness: float  # variance of the Laplacian

    @property
    def usable(self) -> bool:
        return (DARK <= self.brightness <= BRIGHT and self.contrast >= FLAT
                and self.sharpness >= BLURRED)

    @property
    def score(self) -> float:
        """Higher for frames with more visible detail; ranks candidates of one window."""
        # log keeps one very sharp noisy frame from dwarfing everything else
        exposure = 1.0 - abs(self.brightness - 128.0) / 128.0
        return float(np.log1p(self.sharpness) + np.log1p(self.contrast) + exposure)


def to_grey(image: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(image, cv2.COLOR_BGR2GRAY) if image.ndim == 3 else image


def measure(grey: np.ndarray) -> FrameQuality:
    mean, std = cv2.meanStdDev(grey)
    lap = cv2.Laplacian(grey, cv2.CV_32F, ksize=3)
    return FrameQuality(float(mean[0, 0]), float(std[0, 0]), float(lap.var()))
