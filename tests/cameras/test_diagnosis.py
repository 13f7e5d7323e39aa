"""M-2.1, M-4.1a: each image diagnosis on synthetic frames, with a case on each side."""

import cv2
import numpy as np
import pytest

from apps.cameras.probe.diagnosis import (
    ANALYSIS_WIDTH,
    DiagnosisThresholds,
    analysis_frame,
    clock_drift_finding,
    diagnose,
    frame_has_colour_cast,
    frame_is_black,
    frame_is_blurred,
    frame_is_frozen,
    frame_is_occluded,
    frame_is_overexposed,
    frame_is_snow,
    frame_is_too_dark,
    scene_has_changed,
    scene_similarity,
)

T = DiagnosisThresholds()


def scene(
    *,
    seed: int = 7,
    disc: tuple[int, int] = (60, 60),
    clock: str = "2025-01-01 12:00:00",
    size: tuple[int, int] = (320, 240),
    colourful: bool = True,
) -> np.ndarray:
    """A detailed static scene (blocks, lines, a gradient), a disc and an OSD clock."""
    width, height = size
    rng = np.random.default_rng(seed)
    frame = np.zeros((height, width, 3), np.uint8)
    frame[:] = np.linspace(50, 200, width, dtype=np.uint8)[None, :, None]
    for _ in range(30):
        x, y = int(rng.integers(0, width - 10)), int(rng.integers(0, height - 10))
        w, h = int(rng.integers(8, width // 4)), int(rng.integers(8, height // 4))
        grey = int(rng.integers(0, 255))
        colour = tuple(int(c) for c in rng.integers(0, 255, 3)) if colourful else (grey,) * 3
        cv2.rectangle(frame, (x, y), (x + w, y + h), colour, -1)
    for x in range(0, width, width // 12):
        cv2.line(frame, (x, 0), (x, height), (20, 20, 20), 1)
    cv2.circle(frame, disc, max(4, width // 30), (250, 250, 250), -1)
    cv2.putText(frame, clock, (4, height - 6), cv2.FONT_HERSHEY_SIMPLEX, width / 900, (255,) * 3, 1)
    return frame


def codes(frames, **kwargs) -> list[str]:
    return diagnose(frames, thresholds=T, **kwargs).codes


def moving(n: int = 4) -> list[np.ndarray]:
    return [
        scene(disc=(40 + 60 * i, 60 + 20 * i), clock=f"2025-01-01 12:00:0{i}") for i in range(n)
    ]


def test_a_healthy_moving_scene_has_no_findings():
    result = diagnose(moving(), thresholds=T)
    assert result.verdict == "ok"
    assert result.findings == ()
    assert result.scene_changed is False


def test_no_frame_is_signal_loss():
    result = diagnose([], thresholds=T)
    assert result.verdict == "fault"
    assert result.codes == ["signal_loss"]


def black_frame() -> np.ndarray:
    return np.zeros((240, 320, 3), np.uint8)


def with_clock(frame: np.ndarray, text: str, scale: float = 0.5, y: int = 230) -> np.ndarray:
    frame = frame.copy()
    cv2.putText(frame, text, (4, y), cv2.FONT_HERSHEY_SIMPLEX, scale, (255,) * 3, 1)
    return frame


def test_black_is_no_picture_even_with_sensor_noise():
    rng = np.random.default_rng(3)
    capped = np.clip(rng.normal(8, 2, (240, 320, 3)), 0, 255).astype(np.uint8)  # lens cap
    for frame in (black_frame(), capped):
        assert frame_is_black(frame, threshold=T.black_luma_p95)
        result = diagnose([frame, frame.copy()], thresholds=T)
        assert (result.verdict, result.codes) == ("fault", ["black"])  # not also frozen


def dim_ball(x: int) -> np.ndarray:
    frame = black_frame()
    cv2.circle(frame, (x, 120), 12, (96, 96, 96), -1)  # a lit object, 1.5 % of the frame
    return frame


def night(seed: int) -> np.ndarray:
    dim = (scene().astype(np.float32) * 0.1).astype(np.uint8)
    noise = np.random.default_rng(seed).normal(0, 1.5, dim.shape)
    return np.clip(dim + noise, 0, 255).astype(np.uint8)


@pytest.mark.parametrize(
    "frames",
    [
        pytest.param([dim_ball(40 + 60 * i) for i in range(4)], id="dim ball moving over black"),
        pytest.param([night(i) for i in range(4)], id="night scene with sensor noise"),
        pytest.param(
            [with_clock(black_frame(), f"2025-01-01 12:00:0{i // 2}") for i in range(4)],
            id="ticking clock on black",
        ),
    ],
)
def test_a_dark_scene_with_content_is_too_dark_not_black(frames):
    """Issue 14 §4: as dark as black (p95 <= 24) but with spread: a live picture, degraded."""
    last = frames[-1]
    assert not frame_is_black(last, threshold=T.black_luma_p95)
    assert frame_is_too_dark(last, threshold=T.black_luma_p95)
    result = diagnose(frames, thresholds=T)
    assert (result.verdict, result.codes) == ("degraded", ["too_dark"])
    assert result.metrics["luma_p95"] <= T.black_luma_p95
    assert result.scene_changed is False


def test_the_spread_threshold_decides_between_black_and_too_dark():
    frame = dim_ball(100)
    spread = float(cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY).std())
    above = DiagnosisThresholds.from_overrides({"black_max_luma_std": spread + 0.1})
    below = DiagnosisThresholds.from_overrides({"black_max_luma_std": spread - 0.1})
    assert diagnose([frame], thresholds=above).codes == ["black"]
    assert diagnose([frame], thresholds=below).codes == ["too_dark"]


def bars() -> np.ndarray:
    """Static colour bars over a dark strip where the OSD clock sits."""
    frame = np.zeros((240, 320, 3), np.uint8)
    colours = [(255,) * 3, (0, 255, 255), (255, 255, 0), (0, 255, 0), (255, 0, 255), (0, 0, 255)]
    for i, colour in enumerate(colours):
        frame[:180, i * 53 : (i + 1) * 53] = colour
    frame[180:] = 16
    return frame


def ticking(scale: float) -> list[np.ndarray]:
    """Four samples over a second in which the clock ticks once (the seconds digit)."""
    before, after = with_clock(bars(), "12:00:08", scale), with_clock(bars(), "12:00:09", scale)
    return [before, before, after, after]


@pytest.mark.parametrize(
    ("scale", "frozen"),
    [
        (0.5, True),  # digits 6 % of the frame height: 0.1 % of the pixels change
        (1.0, True),  # 11 %: 0.3 %, mean difference 0.38
        (1.2, False),  # 13 %: 0.4 %, 0.53: the clock passes for a live picture
        (2.0, False),
    ],
)
def test_where_a_ticking_clock_hides_a_frozen_picture(scale, frozen):
    """docs/diagnosis.md: frozen is caught while the tick changes <= 0.5 mean luma, i.e. a
    seconds digit under about 1/8 of the frame height (white on dark)."""
    frames = ticking(scale)
    assert frame_is_frozen(frames, threshold=T.frozen_mean_abs_diff) is frozen
    assert ("frozen" in codes(frames)) is frozen


def test_a_black_first_frame_before_the_picture_settles_is_not_black():
    black = np.zeros((240, 320, 3), np.uint8)  # encoders may start a stream like this
    result = diagnose([black, *moving(3)], thresholds=T)
    assert result.verdict == "ok", result.codes


def test_a_dark_but_visible_scene_is_not_black():
    dark = (scene().astype(np.float32) * 0.35).astype(np.uint8)
    assert not frame_is_black(dark, threshold=T.black_luma_p95)
    assert "black" not in codes([dark])


def test_white_out_is_overexposed_and_a_fault():
    white = np.full((240, 320, 3), 255, np.uint8)
    washed = np.clip(scene().astype(np.int16) + 220, 0, 255).astype(np.uint8)
    assert frame_is_overexposed(white, threshold=T.overexposed_luma_p05)
    assert frame_is_overexposed(washed, threshold=T.overexposed_luma_p05)
    result = diagnose([white], thresholds=T)
    assert (result.verdict, result.codes) == ("fault", ["overexposed"])


def test_half_white_scene_is_not_overexposed():
    frame = scene()
    frame[:, :160] = 255  # a bright sky or wall, the rest well exposed
    assert not frame_is_overexposed(frame, threshold=T.overexposed_luma_p05)


def test_snow_is_a_fault():
    snow = np.random.default_rng(1).integers(0, 256, (240, 320, 3), dtype=np.uint8)
    assert frame_is_snow(
        snow, threshold=T.snow_neighbour_correlation, min_luma_std=T.snow_min_luma_std
    )
    result = diagnose([snow], thresholds=T)
    assert (result.verdict, result.codes) == ("fault", ["snow"])


def washed_out(snow: np.ndarray, *, keep: float, seed: int) -> np.ndarray:
    """Snow as an encoder over its bitrate sends it some frames after the key frame (seen
    from the peer's x264enc at bitrate=400 whose encoder had run a while): most 8x8 blocks
    grey, the rest coarse noise. Alone it passes for a dull, smooth scene."""
    small = cv2.resize(snow, (160, 120), interpolation=cv2.INTER_AREA)
    coarse = cv2.resize(small, (320, 240), interpolation=cv2.INTER_NEAREST)
    kept = np.random.default_rng(seed).random((30, 40)) < keep
    mask = np.kron(kept, np.ones((8, 8), bool))[..., None]
    return np.where(mask, coarse, 128).astype(np.uint8)


def test_snow_is_a_fault_when_the_encoder_washes_it_out_after_the_key_frame():
    """The verdict must not depend on which frame of the GOP the window ends on (issue 13)."""
    snow = np.random.default_rng(1).integers(0, 256, (240, 320, 3), dtype=np.uint8)
    frames = [snow, *(washed_out(snow, keep=k, seed=i) for i, k in enumerate((0.5, 0.3, 0.2)))]
    assert codes(frames[-1:]) == []  # the last frame alone looks like a picture
    result = diagnose(frames, thresholds=T)
    assert (result.verdict, result.codes) == ("fault", ["snow"])
    assert result.metrics["neighbour_correlation"] < T.snow_neighbour_correlation


def test_a_healthy_scene_with_grain_in_every_frame_is_not_snow():
    rng = np.random.default_rng(3)
    frames = [
        np.clip(f.astype(np.float32) + rng.normal(0, 8, f.shape), 0, 255).astype(np.uint8)
        for f in moving()
    ]
    assert codes(frames) == []


def test_sensor_grain_on_a_real_scene_is_not_snow():
    noise = np.random.default_rng(2).normal(0, 8, (240, 320, 3))
    grainy = np.clip(scene().astype(np.float32) + noise, 0, 255).astype(np.uint8)
    assert not frame_is_snow(
        grainy, threshold=T.snow_neighbour_correlation, min_luma_std=T.snow_min_luma_std
    )


def test_defocus_is_blur_and_only_degraded():
    blurred = cv2.GaussianBlur(scene(), (0, 0), 4)
    assert frame_is_blurred(blurred, threshold=T.blur_laplacian_variance)
    assert not frame_is_blurred(scene(), threshold=T.blur_laplacian_variance)
    frames = [cv2.GaussianBlur(f, (0, 0), 4) for f in moving()]
    result = diagnose(frames, thresholds=T)
    assert (result.verdict, result.codes) == ("degraded", ["blur"])


def test_a_tinted_picture_has_a_colour_cast():
    grey_scene = scene(colourful=False).astype(np.float32)
    green = np.clip(grey_scene * np.array([0.55, 1.0, 0.55]), 0, 255).astype(np.uint8)
    assert frame_has_colour_cast(green, distance=T.colour_cast_distance, ratio=T.colour_cast_ratio)
    result = diagnose([green, np.roll(green, 40, axis=1)], thresholds=T)
    assert result.verdict == "degraded"
    assert result.codes == ["colour_cast"]
    assert "green" in result.findings[0].message


def test_a_colourful_scene_has_no_colour_cast():
    checkers = np.zeros((240, 320, 3), np.uint8)
    checkers[:] = (0, 0, 255)
    for y in range(0, 240, 8):
        for x in range((y // 8) % 2 * 8, 320, 16):
            checkers[y : y + 8, x : x + 8] = (0, 255, 0)
    for frame in (scene(), checkers):
        assert not frame_has_colour_cast(
            frame, distance=T.colour_cast_distance, ratio=T.colour_cast_ratio
        )


def test_identical_or_nearly_identical_frames_are_frozen():
    still = scene()
    jitter = np.random.default_rng(3).integers(-1, 2, still.shape)
    nearly = np.clip(still.astype(np.int16) + jitter, 0, 255).astype(np.uint8)
    assert frame_is_frozen([still, still.copy(), nearly], threshold=T.frozen_mean_abs_diff)
    result = diagnose([still, still.copy(), nearly], thresholds=T)
    assert (result.verdict, result.codes) == ("fault", ["frozen"])


def test_moving_frames_or_a_single_frame_are_not_frozen():
    assert not frame_is_frozen(moving(), threshold=T.frozen_mean_abs_diff)
    assert not frame_is_frozen([scene()], threshold=T.frozen_mean_abs_diff)
    # a change of resolution is a change of picture
    assert not frame_is_frozen([scene(), scene(size=(160, 120))], threshold=T.frozen_mean_abs_diff)


def test_a_covered_lens_is_occlusion():
    covered = scene()
    covered[:, : int(320 * 0.75)] = (40, 45, 50)  # a bag over three quarters of the lens
    assert frame_is_occluded(
        covered,
        threshold=T.occlusion_fraction,
        cell_std=T.occlusion_cell_std,
        luma_tolerance=T.occlusion_luma_tolerance,
    )
    result = diagnose([covered, np.roll(covered, 3, axis=0)], thresholds=T)
    assert result.verdict == "degraded"
    assert "occlusion" in result.codes and "blur" not in result.codes


def test_flat_areas_of_different_brightness_are_not_occlusion():
    bars = np.zeros((240, 320, 3), np.uint8)
    for i, value in enumerate(range(30, 255, 32)):
        bars[:, i * 40 : (i + 1) * 40] = value  # test-chart bars: all flat, none alike
    for frame in (bars, scene()):
        assert not frame_is_occluded(
            frame,
            threshold=T.occlusion_fraction,
            cell_std=T.occlusion_cell_std,
            luma_tolerance=T.occlusion_luma_tolerance,
        )


def test_same_scene_with_moving_object_clock_and_light_change_is_not_a_scene_change():
    reference = scene(disc=(40, 40), clock="2025-01-01 08:00:00")
    later = scene(disc=(260, 180), clock="2025-01-01 17:45:31")
    dimmer = (later.astype(np.float32) * 0.7 + 10).astype(np.uint8)
    for frame in (later, dimmer):
        assert not scene_has_changed(
            frame, reference, threshold=T.scene_similarity, min_luma_std=T.scene_min_luma_std
        )
    result = diagnose([dimmer], reference=reference, thresholds=T)
    assert result.scene_changed is False
    assert result.metrics["scene_similarity"] > 0.8


def test_a_different_scene_is_a_scene_change_alarm_not_a_fault():
    reference = scene(seed=7)
    turned = scene(seed=99)
    assert scene_has_changed(
        turned, reference, threshold=T.scene_similarity, min_luma_std=T.scene_min_luma_std
    )
    result = diagnose([turned, np.roll(turned, 2, axis=1)], reference=reference, thresholds=T)
    assert result.scene_changed is True
    assert result.verdict == "ok"  # the picture is fine; the move is an M-4.1a alarm
    assert result.codes == ["scene_changed"]


def test_a_black_picture_is_not_compared_with_the_reference():
    black = np.zeros((240, 320, 3), np.uint8)
    assert scene_similarity(black, scene(), min_luma_std=T.scene_min_luma_std) is None
    assert diagnose([black], reference=scene(), thresholds=T).scene_changed is False


def test_large_frames_are_shrunk_before_analysis():
    big = scene(size=(1920, 1080), disc=(400, 400))
    assert analysis_frame(big).shape == (180, ANALYSIS_WIDTH, 3)
    assert analysis_frame(cv2.cvtColor(scene(), cv2.COLOR_BGR2GRAY)).shape == (240, 320, 3)
    result = diagnose([big, scene(size=(1920, 1080), disc=(900, 600))], thresholds=T)
    assert result.verdict == "ok", result.codes


def test_overrides_apply_and_unknown_names_are_rejected():
    strict = DiagnosisThresholds.from_overrides({"blur_laplacian_variance": 1e9})
    assert strict.blur_laplacian_variance == 1e9
    assert strict.black_luma_p95 == T.black_luma_p95
    assert "blur" in diagnose(moving(), thresholds=strict).codes
    with pytest.raises(ValueError, match="unknown diagnosis threshold.*blurr_limit"):
        DiagnosisThresholds.from_overrides({"blurr_limit": 3})
    for bad in ("30", True, float("nan"), -1):
        with pytest.raises(ValueError, match="blur_laplacian_variance"):
            DiagnosisThresholds.from_overrides({"blur_laplacian_variance": bad})
    assert DiagnosisThresholds.from_overrides(None) == T


def test_clock_drift_is_reported_beyond_its_threshold_only():
    assert clock_drift_finding(30.0, thresholds=T) is None
    assert clock_drift_finding(None, thresholds=T) is None
    finding = clock_drift_finding(-95.0, thresholds=T)
    assert finding.code == "clock_drift" and finding.severity == "degraded"
    assert "95 s behind" in finding.message
