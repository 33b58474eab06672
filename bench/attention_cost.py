"""Cost of attention analysis in headless Chromium on this machine, at the default rates.

Opens an interview with a fake camera showing a face, with the template's camera analysis off (the
baseline, same run), on at the default rates (faces 2 Hz, objects 1 Hz), and on with faces at 4 Hz. Measures the CPU
time of this run's Chromium over a window, plus the monitor's own figures: analysed frames per second and
milliseconds per frame. Target: ≤ 15 % of one core on average at the defaults.

    .venv/bin/python bench/attention_cost.py [--seconds 40]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.browser import begin_interview, chromium, wait_for_text
from tests.conftest import AppProcess
from tests.helpers import TEMPLATE, create_template, invite
from tests.video import astronaut_face

TICKS = os.sysconf("SC_CLK_TCK")


def process_tree_cpu_seconds(root: int) -> float:
    """User + system CPU time of process `root` and all its descendants (this run's Chromium only)."""
    parents: dict[int, int] = {}
    times: dict[int, int] = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(pid)] = int(fields[1])
        times[int(pid)] = int(fields[11]) + int(fields[12])
    tree, added = {root}, True
    while added:
        children = {pid for pid, parent in parents.items() if parent in tree} - tree
        tree |= children
        added = bool(children)
    return sum(times.get(pid, 0) for pid in tree) / TICKS


@dataclass
class Measurement:
    cpu_share: float  # Chromium's CPU time over wall time; 1.0 is one core
    faces_hz: float = 0  # analysed frames per second
    objects_hz: float = 0  # of which with the object detector
    ms_per_frame: float = 0  # the monitor's own time per analysed frame


def measure(app: AppProcess, tmp: Path, camera: str, seconds: float) -> Measurement:
    """Chromium's CPU use and the monitor's own figures while a candidate sits on the first question."""
    with app.client() as client:
        link = invite(client, create_template(client, {**TEMPLATE, "camera": camera})["family_id"])["url"]
    face = astronaut_face(tmp / "face.y4m")
    flags = (
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-video-capture={face}",
    )
    with chromium(tmp / f"profile-{camera}-{app.port}", *flags) as browser:
        driver_pid = browser.service.process.pid  # chromedriver; Chromium runs below it
        begin_interview(browser, link)
        wait_for_text(browser, "Next question")
        time.sleep(8)  # models loaded, warmed up
        stats0, cpu0, t0 = (
            browser.execute_script("return window.interviewerAttentionStats()"),
            process_tree_cpu_seconds(driver_pid),
            time.monotonic(),
        )
        time.sleep(seconds)
        stats1, cpu1, t1 = (
            browser.execute_script("return window.interviewerAttentionStats()"),
            process_tree_cpu_seconds(driver_pid),
            time.monotonic(),
        )
    elapsed = t1 - t0
    result = Measurement(cpu_share=(cpu1 - cpu0) / elapsed)
    if frames := stats1["analysed"] - stats0["analysed"]:
        result.faces_hz = frames / elapsed
        result.objects_hz = (stats1["objects"] - stats0["objects"]) / elapsed
        result.ms_per_frame = (stats1["ms"] - stats0["ms"]) / frames
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=40)
    args = parser.parse_args()
    runs: list[tuple[str, str, dict[str, str]]] = [  # (label, template camera, settings)
        ("page without camera analysis (baseline)", "off", {}),
        ("camera analysis at the defaults", "optional", {}),
        ("camera analysis, faces at 4 Hz", "optional", {"ATTENTION_FACE_HZ": "4"}),
    ]
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for number, (label, camera, settings) in enumerate(runs):
            app = AppProcess(Path(tmp) / f"storage-{number}", **settings).start()
            try:
                results.append((label, measure(app, Path(tmp), camera, args.seconds)))
            finally:
                app.stop()
    baseline = results[0][1].cpu_share
    for label, m in results:
        print(f"{label:<40} Chromium {m.cpu_share:6.1%} of one core", end="")
        if m.faces_hz:
            print(
                f", analysis alone {m.cpu_share - baseline:6.1%}: {m.faces_hz:.1f} frames/s "
                f"({m.objects_hz:.2f}/s with objects), {m.ms_per_frame:.0f} ms per frame",
                end="",
            )
        print()


if __name__ == "__main__":
    main()
