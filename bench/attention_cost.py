"""Cost of attention analysis in headless Chromium on this machine, at the default rates.

Opens an interview with a fake camera showing a face, once with the template's camera analysis on and
once with it off (the baseline, same run), and measures Chromium's CPU time over a window plus the
monitor's own milliseconds per analysed frame. Target: ≤ 15 % of one core on average.

    .venv/bin/python bench/attention_cost.py [--seconds 30]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.browser import begin_interview, chromium, wait_for_text
from tests.conftest import AppProcess
from tests.test_api import TEMPLATE, create_template, invite
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


def measure(app: AppProcess, tmp: Path, camera: str, seconds: float) -> tuple[float, float | None]:
    """(CPU share of one core, ms per analysed frame) while a candidate sits on the first question."""
    with app.client() as client:
        link = invite(client, create_template(client, {**TEMPLATE, "camera": camera})["family_id"])["url"]
    face = astronaut_face(tmp / "face.y4m")
    flags = (
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-video-capture={face}",
    )
    with chromium(tmp / f"profile-{camera}", *flags) as browser:
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
    frames = stats1["analysed"] - stats0["analysed"]
    per_frame = (stats1["ms"] - stats0["ms"]) / frames if frames else None
    return (cpu1 - cpu0) / (t1 - t0), per_frame


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        app = AppProcess(Path(tmp) / "storage").start()
        try:
            base_share, _ = measure(app, Path(tmp), "off", args.seconds)
            share, per_frame = measure(app, Path(tmp), "optional", args.seconds)
        finally:
            app.stop()
    print(f"Chromium CPU, page without camera analysis: {base_share:6.1%} of one core (baseline)")
    print(f"Chromium CPU, with camera analysis:         {share:6.1%} of one core")
    print(
        f"attention analysis alone:                   {share - base_share:6.1%} of one core "
        f"({per_frame:.0f} ms per analysed frame, faces 2 Hz + objects 0.5 Hz)"
        if per_frame
        else "no frames analysed"
    )


if __name__ == "__main__":
    main()
