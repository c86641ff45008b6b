"""A cohort arriving at once on the course's JupyterHub: N students (default
20) log in, spawn their servers and open the competency self-assessment in
Voila, all at the same moment. Prints the median and 95th percentile time to
ready (server spawned and the Voila page rendered), against one student alone
in the same run, and the memory each user's server and kernel take.

    python benchmarks/hub.py               # 20 students
    python benchmarks/hub.py --students 5

Uses the hub of `make hub` (deploy/jupyterhub/jupyterhub_config.py) on
loopback with local spawning, as tests/test_hub.py does."""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.hub import Hub, memory_of  # noqa: E402

PAGE = "voila/render/exercises/self-assessments/competencies.ipynb"


def arrive(hub: Hub, name: str) -> float:
    """Seconds from asking for a server to having the rendered Voila page."""
    start = time.monotonic()
    hub.spawn(name)
    response = hub.user_request(name, "GET", PAGE, timeout=600)
    if response.status_code != 200 or "Traceback" in response.text:
        raise RuntimeError(f"{name}: the self-assessment did not render ({response.status_code})")
    return time.monotonic() - start


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=20)
    args = parser.parse_args()
    names = [f"student{i:02d}" for i in range(1, args.students + 1)]
    with tempfile.TemporaryDirectory(prefix="mentorkit-hub-bench-") as data:
        with Hub(Path(data), students=["alone", *names], idle_seconds=3600) as hub:
            hub.start()
            for name in ["alone", *names]:
                hub.token_for(name)
            hub_only = memory_of([hub.proc.pid])
            alone = arrive(hub, "alone")
            alone_memory = memory_of(hub.server_pids()) - 0
            with ThreadPoolExecutor(max_workers=len(names)) as pool:
                times = list(pool.map(lambda n: arrive(hub, n), names))
            total = memory_of(hub.server_pids())
            per_user = (total - alone_memory) / len(names)
            left = hub.stop()
    median, p95 = statistics.median(times), percentile(times, 0.95)
    print(f"{args.students} students at once on one machine (local spawning)")
    print(f"{'':28} {'seconds':>8} {'vs one alone':>13}")
    print(f"{'one student alone':28} {alone:8.2f} {1.0:13.2f}")
    print(f"{'median of the cohort':28} {median:8.2f} {median / alone:13.2f}")
    print(f"{'95th percentile':28} {p95:8.2f} {p95 / alone:13.2f}")
    print(f"memory per user (server, Voila kernel, spare kernel): {per_user / 2**20:.0f} MiB; "
          f"hub and proxy: {hub_only / 2**20:.0f} MiB")
    if left:
        print(f"warning: processes left running: {left}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
