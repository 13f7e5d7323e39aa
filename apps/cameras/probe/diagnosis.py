"""Image diagnosis of a camera's picture for the daily patrol (M-2.1) and camera moves (M-4.1a).

Pure functions over numpy arrays (OpenCV's BGR ``uint8`` frames); no Django, no I/O. Every
metric is computed on an *analysis frame*: the decoded frame shrunk to at most
``ANALYSIS_WIDTH`` pixels wide (``analysis_frame``), so thresholds mean the same for a
4K main stream and a 640x360 sub stream and the work per frame stays well under 1 ms.

Each threshold lives in ``DiagnosisThresholds`` with its default and meaning; a camera can
override any of them (``DiagnosisThresholds.from_overrides``).

What each finding means for the verdict (``SEVERITY``):

* fault: nothing usable reaches the monitoring center, so the patrol cannot confirm that
  the signal is captured (M-2.1) and a fault is reported (M-2.3): ``signal_loss``,
  ``black``, ``overexposed`` (a white-out shows as little as a black-out), ``snow``,
  ``frozen``.
* degraded: a picture arrives but is worse than it should be: ``too_dark`` (a dark
  picture with content: a lit object, a night scene, a clock; black means no picture),
  ``blur``, ``colour_cast``, ``occlusion`` (part of the scene is still visible),
  ``clock_drift`` (footage timestamps are off, which matters for the exact time spans of
  M-3.5).
* alarm: ``scene_changed``, the camera now looks at another scene than its reference
  snapshot. The picture itself may be fine, so it leaves the verdict alone and raises
  ``Diagnosis.scene_changed`` instead: an unauthorised move is an M-4.1a matter.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields

import cv2
import numpy as np

from .reasons import reason_format

ANALYSIS_WIDTH = 320
"""Frames are shrunk to at most this width before any metric; thresholds assume it."""

# Scene comparison works on tiny blurred thumbnails: the scene's layout, not its details.
_SCENE_SIZE = (64, 48)
# Occlusion looks at square cells of this many analysis pixels.
_OCCLUSION_CELL = 40

OK, DEGRADED, FAULT, ALARM = "ok", "degraded", "fault", "alarm"
_RANK = {OK: 0, DEGRADED: 1, FAULT: 2}

SEVERITY: dict[str, str] = {
    "signal_loss": FAULT,
    "black": FAULT,
    "overexposed": FAULT,
    "snow": FAULT,
    "frozen": FAULT,
    "too_dark": DEGRADED,
    "blur": DEGRADED,
    "colour_cast": DEGRADED,
    "occlusion": DEGRADED,
    "clock_drift": DEGRADED,
    "scene_changed": ALARM,
}


@dataclass(frozen=True)
class DiagnosisThresholds:
    """Thresholds of every diagnosis, calibrated on ``ANALYSIS_WIDTH`` frames (M-2.1).

    Luma is 0-255. Defaults were measured on the GStreamer test peers (tests/peers): a
    healthy scene sits far from every limit, each broken one far past it.
    """

    black_luma_p95: float = 24.0
    """Dark when 95 % of the pixels are at most this dark: black, or too dark with content."""
    black_max_luma_std: float = 4.0
    """A dark picture is black (no picture) only when its luma spread is below this too; with
    more spread it shows something (a lit object, a night scene, an OSD clock): too dark.
    Measured: black peer 0, sensor noise of a capped lens 1-3, the dark peers 6-11."""
    overexposed_luma_p05: float = 230.0
    """Overexposed (white-out) when 95 % of the pixels are at least this bright."""
    snow_neighbour_correlation: float = 0.3
    """Snow when neighbouring pixels correlate less than this (a real scene: > 0.7)."""
    snow_min_luma_std: float = 4.0
    """Snow needs at least this luma spread; a flat picture has no correlation to measure."""
    blur_laplacian_variance: float = 30.0
    """Blurred when the variance of the Laplacian (edge energy) is below this."""
    colour_cast_distance: float = 12.0
    """Colour cast when the mean chroma is this far from grey (Lab a*b* units) ..."""
    colour_cast_ratio: float = 1.0
    """... and that distance is at least this many times the spread of the chroma around
    its mean (a colourful scene has a wide spread; a tinted one is concentrated)."""
    frozen_mean_abs_diff: float = 0.5
    """Frozen when no two sampled frames differ by more than this mean absolute luma."""
    occlusion_fraction: float = 0.6
    """Occluded when flat cells of one same brightness cover at least this fraction."""
    occlusion_cell_std: float = 6.0
    """A cell is flat (no detail) when its luma standard deviation is at most this."""
    occlusion_luma_tolerance: float = 12.0
    """Flat cells belong to one region when their mean luma is within +/- this."""
    scene_similarity: float = 0.5
    """Scene changed when the similarity to the reference (-1..1) falls below this: the
    same scene measured 0.94-0.97, another one 0.02-0.43."""
    scene_min_luma_std: float = 8.0
    """Scene comparison needs this much structure in both thumbnails, else it abstains."""
    clock_drift_s: float = 60.0
    """The camera clock may be this many seconds off before it is reported."""

    @classmethod
    def from_overrides(cls, overrides: Mapping[str, object] | None) -> DiagnosisThresholds:
        """Defaults with a camera's overrides applied; unknown names and non-numbers raise.

        A typo in a stored override must not silently fall back to the default.
        """
        overrides = dict(overrides or {})
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(overrides) - known)
        if unknown:
            raise ValueError(
                f"unknown diagnosis threshold(s): {', '.join(unknown)}; "
                f"known: {', '.join(sorted(known))}"
            )
        values: dict[str, float] = {}
        for name, value in overrides.items():
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError(f"threshold {name} must be a number, not {value!r}")
            if not math.isfinite(value) or value < 0 and name != "scene_similarity":
                raise ValueError(f"threshold {name} must be a finite number >= 0, not {value}")
            values[name] = float(value)
        return cls(**values)


@dataclass(frozen=True)
class Finding:
    """One thing wrong with a picture: ``code`` (key of ``SEVERITY`` and of
    ``reasons.REASONS``), its English ``message`` and the ``params`` a page renders the
    message from in its reader's language."""

    code: str
    severity: str
    message: str
    metrics: dict[str, float] = field(default_factory=dict)
    params: dict[str, object] = field(default_factory=dict)

    def to_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "params": dict(self.params),
            "metrics": dict(self.metrics),
        }


@dataclass(frozen=True)
class Diagnosis:
    """Findings on a camera's frames and their contribution to the patrol verdict."""

    verdict: str
    findings: tuple[Finding, ...]
    metrics: dict[str, float | None]
    scene_changed: bool = False

    @property
    def codes(self) -> list[str]:
        return [f.code for f in self.findings]

    def to_dict(self) -> dict[str, object]:
        return {
            "verdict": self.verdict,
            "scene_changed": self.scene_changed,
            "findings": [f.to_dict() for f in self.findings],
            "metrics": dict(self.metrics),
        }


def worst(*verdicts: str) -> str:
    """The most severe of ok / degraded / fault (alarm does not count)."""
    return max((v for v in verdicts if v in _RANK), key=_RANK.__getitem__, default=OK)


# --- frames ---------------------------------------------------------------------------------


def analysis_frame(frame: np.ndarray) -> np.ndarray:
    """The frame as 3-channel ``uint8`` at most ``ANALYSIS_WIDTH`` wide (area-averaged)."""
    if frame.ndim == 2:
        frame = cv2.cvtColor(frame, cv2.COLOR_GRAY2BGR)
    if frame.dtype != np.uint8:
        raise ValueError(f"expected a uint8 frame, got {frame.dtype}")
    height, width = frame.shape[:2]
    if width > ANALYSIS_WIDTH:
        size = (ANALYSIS_WIDTH, max(1, round(height * ANALYSIS_WIDTH / width)))
        frame = cv2.resize(frame, size, interpolation=cv2.INTER_AREA)
    return frame


def _luma(frame: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(analysis_frame(frame), cv2.COLOR_BGR2GRAY)


def _ncc(a: np.ndarray, b: np.ndarray) -> float:
    """Zero-mean normalised cross-correlation of two equal-shape arrays; nan if flat."""
    a = a.astype(np.float32) - a.mean()
    b = b.astype(np.float32) - b.mean()
    denominator = math.sqrt(float((a * a).sum()) * float((b * b).sum()))
    return float((a * b).sum()) / denominator if denominator > 1e-6 else math.nan


# --- metrics --------------------------------------------------------------------------------


def luma_percentiles(frame: np.ndarray) -> tuple[float, float]:
    """(5th, 95th) percentile of luma, from a histogram (no sort)."""
    gray = _luma(frame)
    cumulative = np.bincount(gray.ravel(), minlength=256).cumsum() / gray.size
    return float(np.searchsorted(cumulative, 0.05)), float(np.searchsorted(cumulative, 0.95))


def laplacian_variance(frame: np.ndarray) -> float:
    """Variance of the Laplacian of luma: edge energy, low when out of focus or fogged."""
    return float(cv2.Laplacian(_luma(frame), cv2.CV_32F).var())


def neighbour_correlation(frame: np.ndarray) -> float:
    """Mean correlation of each pixel with its right and lower neighbour (snow: about 0)."""
    gray = _luma(frame).astype(np.float32)
    horizontal = _ncc(gray[:, :-1], gray[:, 1:])
    vertical = _ncc(gray[:-1, :], gray[1:, :])
    return (horizontal + vertical) / 2


def snow_correlation(frames: Sequence[np.ndarray], *, min_luma_std: float) -> float:
    """Lowest neighbour correlation of the sampled frames with at least ``min_luma_std``
    luma spread; nan when none has it (flat frames have no correlation to measure).

    Every sample counts, not just the last: an encoder over its bitrate (a camera's, or a
    test peer's at bitrate=400) sends noise faithfully only in the key frame and washes it
    into grey blocks in the predicted frames after it, so a second later the picture can
    look like a smooth, dull scene. The probe's first sample is a key frame. No real scene
    decorrelates its neighbouring pixels in any frame (grain and detail: > 0.7).
    """
    values = [neighbour_correlation(f) for f in frames if float(_luma(f).std()) >= min_luma_std]
    values = [v for v in values if not math.isnan(v)]
    return min(values, default=math.nan)


def colour_cast(frame: np.ndarray) -> tuple[float, float]:
    """(distance, ratio): how far the mean chroma is from grey, and that over its spread.

    After Xu et al.'s cast factor: a tint moves every pixel the same way, so the mean is
    far from grey while the pixels stay close to the mean; a colourful scene spreads wide.
    """
    small = cv2.resize(analysis_frame(frame), (80, 60), interpolation=cv2.INTER_AREA)
    lab = cv2.cvtColor(small, cv2.COLOR_BGR2Lab).astype(np.float32)
    a, b = lab[..., 1] - 128.0, lab[..., 2] - 128.0
    mean_a, mean_b = float(a.mean()), float(b.mean())
    distance = math.hypot(mean_a, mean_b)
    spread = float(np.hypot(a - mean_a, b - mean_b).mean())
    return distance, distance / max(spread, 1.0)


def flat_region_fraction(frame: np.ndarray, *, cell_std: float, luma_tolerance: float) -> float:
    """Largest share of the frame made of flat cells of one brightness (occlusion).

    Flat cells of different brightness (the bars of a test chart, sky above a wall) do
    not add up: only the biggest group within +/- ``luma_tolerance`` counts.
    """
    gray = _luma(frame).astype(np.float32)
    cell = _OCCLUSION_CELL
    rows, cols = max(1, gray.shape[0] // cell), max(1, gray.shape[1] // cell)
    ch, cw = gray.shape[0] // rows, gray.shape[1] // cols
    cells = gray[: rows * ch, : cols * cw].reshape(rows, ch, cols, cw).swapaxes(1, 2)
    means = cells.mean(axis=(2, 3)).ravel()
    flat = np.sort(means[cells.std(axis=(2, 3)).ravel() <= cell_std])
    if flat.size == 0:
        return 0.0
    ends = np.searchsorted(flat, flat + 2 * luma_tolerance, side="right")
    return float((ends - np.arange(flat.size)).max()) / means.size


def frozen_difference(frames: Sequence[np.ndarray]) -> float | None:
    """Largest mean absolute luma difference between two sampled frames.

    Compares each consecutive pair and the first with the last, so a slow drift counts
    too. None with fewer than two frames.
    """
    if len(frames) < 2:
        return None
    grays = [_luma(f).astype(np.int16) for f in frames]
    if any(g.shape != grays[0].shape for g in grays):
        return 255.0  # the resolution changed, so the picture certainly did
    pairs = list(zip(grays, grays[1:], strict=False)) + [(grays[0], grays[-1])]
    return max(float(np.abs(a - b).mean()) for a, b in pairs)


def scene_thumbnail(frame: np.ndarray) -> np.ndarray:
    """A 64x48 blurred luma thumbnail: the layout of the scene without its details."""
    small = cv2.resize(_luma(frame), _SCENE_SIZE, interpolation=cv2.INTER_AREA)
    return cv2.GaussianBlur(small.astype(np.float32), (3, 3), 0)


def scene_similarity(
    frame: np.ndarray, reference: np.ndarray, *, min_luma_std: float
) -> float | None:
    """Similarity (-1..1) of the scene to the reference snapshot; None when undecidable.

    The mean of two correlations of the thumbnails: of luma (the layout of light and
    dark, insensitive to gain and offset) and of gradient magnitude (the edges, which
    survive day/night and IR changes that remap brightness). A small moving object or an
    OSD clock barely moves either; another scene has other edges even under the same
    lighting.
    """
    current, ref = scene_thumbnail(frame), scene_thumbnail(reference)
    if current.std() < min_luma_std or ref.std() < min_luma_std:
        return None
    luma = _ncc(current, ref)
    edges = _ncc(_gradient(current), _gradient(ref))
    if math.isnan(luma) or math.isnan(edges):
        return None
    return (luma + edges) / 2


def _gradient(thumb: np.ndarray) -> np.ndarray:
    return cv2.magnitude(cv2.Sobel(thumb, cv2.CV_32F, 1, 0), cv2.Sobel(thumb, cv2.CV_32F, 0, 1))


# --- predicates -----------------------------------------------------------------------------


def frame_is_black(frame: np.ndarray, *, threshold: float, max_luma_std: float = 4.0) -> bool:
    """Black, no picture: the 95th luma percentile is at most ``threshold`` (default 24) and
    the luma spread below ``max_luma_std`` (default 4); with more spread it is too dark."""
    return luma_percentiles(frame)[1] <= threshold and float(_luma(frame).std()) < max_luma_std


def frame_is_too_dark(frame: np.ndarray, *, threshold: float, max_luma_std: float = 4.0) -> bool:
    """Too dark: as dark as black (``threshold``) but with content (spread >= ``max_luma_std``)."""
    return luma_percentiles(frame)[1] <= threshold and float(_luma(frame).std()) >= max_luma_std


def frame_is_overexposed(frame: np.ndarray, *, threshold: float) -> bool:
    """White-out: the 5th luma percentile is at least ``threshold`` (default 230)."""
    return luma_percentiles(frame)[0] >= threshold


def frame_is_snow(frame: np.ndarray, *, threshold: float, min_luma_std: float) -> bool:
    """Snow: neighbour correlation below ``threshold`` (default 0.3) in a non-flat picture."""
    if float(_luma(frame).std()) < min_luma_std:
        return False
    return neighbour_correlation(frame) < threshold


def frame_is_blurred(frame: np.ndarray, *, threshold: float) -> bool:
    """Blurred: Laplacian variance below ``threshold`` (default 30)."""
    return laplacian_variance(frame) < threshold


def frame_has_colour_cast(frame: np.ndarray, *, distance: float, ratio: float) -> bool:
    """Cast: mean chroma at least ``distance`` (12) from grey and ``ratio`` (1.0) x spread."""
    d, r = colour_cast(frame)
    return d >= distance and r >= ratio


def frame_is_occluded(
    frame: np.ndarray, *, threshold: float, cell_std: float, luma_tolerance: float
) -> bool:
    """Occluded: one flat region covers at least ``threshold`` (default 0.6) of the frame."""
    fraction = flat_region_fraction(frame, cell_std=cell_std, luma_tolerance=luma_tolerance)
    return fraction >= threshold


def frame_is_frozen(frames: Sequence[np.ndarray], *, threshold: float) -> bool:
    """Frozen: two or more frames, none differing by more than ``threshold`` (default 0.5).

    Frames should span a second or more: consecutive frames of a slow scene can repeat.
    An OSD clock ticking over a dead sensor image defeats this once its tick changes more
    than ``threshold`` mean luma: white digits taller than about 1/8 of the frame
    (docs/diagnosis.md); raise the camera's threshold above its clock's tick.
    """
    difference = frozen_difference(frames)
    return difference is not None and difference <= threshold


def scene_has_changed(
    frame: np.ndarray, reference: np.ndarray, *, threshold: float, min_luma_std: float
) -> bool:
    """Camera moved or turned (M-4.1a): similarity to the reference below ``threshold``."""
    similarity = scene_similarity(frame, reference, min_luma_std=min_luma_std)
    return similarity is not None and similarity < threshold


def clock_drift_finding(
    drift_s: float | None, *, thresholds: DiagnosisThresholds
) -> Finding | None:
    """``clock_drift`` when the camera clock is more than ``clock_drift_s`` (60 s) off."""
    if drift_s is None or abs(drift_s) <= thresholds.clock_drift_s:
        return None
    direction = "ahead" if drift_s > 0 else "behind"
    return _finding(
        "clock_drift",
        {"seconds": round(abs(drift_s)), "direction": direction},
        clock_drift_s=round(drift_s, 1),
    )


# --- diagnosis ------------------------------------------------------------------------------


def _finding(code: str, params: dict[str, object] | None = None, **metrics: float) -> Finding:
    params = dict(params or {})
    message = reason_format(code, params)
    return Finding(
        code=code, severity=SEVERITY[code], message=message, metrics=metrics, params=params
    )


def _round(value: float | None, digits: int = 3) -> float | None:
    if value is None or math.isnan(value):
        return None
    return round(value, digits)


def diagnose(
    frames: Sequence[np.ndarray],
    *,
    reference: np.ndarray | None = None,
    thresholds: DiagnosisThresholds,
) -> Diagnosis:
    """Diagnose a camera from frames sampled over a second or two (M-2.1, M-4.1a).

    ``frames`` in time order; the last one, the picture once the stream has settled, is
    judged for the still-picture findings (cameras and encoders may start a stream with
    a black or green frame), except snow, which any sample may show best
    (``snow_correlation``). ``reference`` is the camera's reference snapshot for the
    scene check. A picture that is black, white or snow is not also reported as frozen,
    blurred, occluded or moved: the first finding explains the others.
    """
    t = thresholds
    if not frames:
        finding = _finding("signal_loss")
        return Diagnosis(verdict=FAULT, findings=(finding,), metrics={})

    samples = [analysis_frame(f) for f in frames]
    frame = samples[-1]
    p05, p95 = luma_percentiles(frame)
    luma_std = float(_luma(frame).std())
    correlation = snow_correlation(samples, min_luma_std=t.snow_min_luma_std)
    lap = laplacian_variance(frame)
    cast_distance, cast_ratio = colour_cast(frame)
    flat = flat_region_fraction(
        frame, cell_std=t.occlusion_cell_std, luma_tolerance=t.occlusion_luma_tolerance
    )
    difference = frozen_difference(samples)
    similarity = (
        scene_similarity(frame, analysis_frame(reference), min_luma_std=t.scene_min_luma_std)
        if reference is not None
        else None
    )
    metrics: dict[str, float | None] = {
        "luma_p05": p05,
        "luma_p95": p95,
        "luma_std": _round(luma_std, 1),
        "neighbour_correlation": _round(correlation),
        "laplacian_variance": _round(lap, 1),
        "colour_cast_distance": _round(cast_distance, 1),
        "colour_cast_ratio": _round(cast_ratio, 2),
        "flat_region_fraction": _round(flat, 2),
        "frozen_difference": _round(difference, 2),
        "scene_similarity": _round(similarity),
        "frames": float(len(frames)),
    }

    findings: list[Finding] = []
    if p95 <= t.black_luma_p95 and luma_std < t.black_max_luma_std:
        findings.append(_finding("black", luma_p95=p95))
    elif p05 >= t.overexposed_luma_p05:
        findings.append(_finding("overexposed", luma_p05=p05))
    elif correlation < t.snow_neighbour_correlation:
        findings.append(
            _finding(
                "snow",
                neighbour_correlation=metrics["neighbour_correlation"],
            )
        )
    explained = bool(findings)  # black, white and snow make every other check moot
    # Dark with content: nothing else can be judged in it. Nothing visible may move for
    # hours in a dark scene, so it is not frozen; its flat dark areas are not an occlusion.
    too_dark = not explained and p95 <= t.black_luma_p95
    if too_dark:
        findings.append(
            _finding(
                "too_dark",
                luma_p95=p95,
                luma_std=metrics["luma_std"],
            )
        )

    if not explained and not too_dark:
        if difference is not None and difference <= t.frozen_mean_abs_diff:
            findings.append(
                _finding(
                    "frozen",
                    {"frames": len(frames)},
                    frozen_difference=metrics["frozen_difference"],
                )
            )
        occluded = flat >= t.occlusion_fraction
        if occluded:
            findings.append(
                _finding(
                    "occlusion",
                    {"percent": round(flat * 100)},
                    flat_region_fraction=metrics["flat_region_fraction"],
                )
            )
        if not occluded and lap < t.blur_laplacian_variance:
            findings.append(
                _finding(
                    "blur",
                    laplacian_variance=metrics["laplacian_variance"],
                )
            )
        if cast_distance >= t.colour_cast_distance and cast_ratio >= t.colour_cast_ratio:
            findings.append(
                _finding(
                    "colour_cast",
                    {"hue": _hue_name(frame)},
                    colour_cast_distance=metrics["colour_cast_distance"],
                )
            )

    scene_changed = (
        not explained
        and not too_dark
        and similarity is not None
        and similarity < t.scene_similarity
    )
    if scene_changed:
        findings.append(
            _finding(
                "scene_changed",
                scene_similarity=metrics["scene_similarity"],
            )
        )
    verdict = worst(*(f.severity for f in findings))
    return Diagnosis(
        verdict=verdict, findings=tuple(findings), metrics=metrics, scene_changed=scene_changed
    )


def _hue_name(frame: np.ndarray) -> str:
    """Rough name of the dominant tint, for the message only."""
    b, g, r = (float(c) for c in cv2.mean(frame)[:3])
    names = {
        "red": r - (g + b) / 2,
        "green": g - (r + b) / 2,
        "blue": b - (r + g) / 2,
        "yellow": (r + g) / 2 - b,
        "magenta": (r + b) / 2 - g,
        "cyan": (g + b) / 2 - r,
    }
    return max(names, key=names.__getitem__)
