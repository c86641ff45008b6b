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


def settle(hub: Hub, kernels: int = 2, timeout: float = 120) -> None:
    """Wait until every participant's server holds what it holds while its
    participant reads: the page's kernel and the spare (started once the page
    is drawn, or a few seconds after it is sent when, as here, no browser
    connects). Memory measured before that misses the spare."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if all(len(held) >= kernels for _, held in servers_and_kernels(hub)):
            return
        time.sleep(1)


def servers_and_kernels(hub: Hub) -> list[tuple[float, list[float]]]:
    """MiB, per participant's server: the server's own and each of its kernels'."""
    import psutil

    pids = set(hub.server_pids()) - {hub.proc.pid}  # the hub carries the mark too
    found = []
    for pid in pids:
        try:
            server = psutil.Process(pid)
            if server.ppid() in pids:
                continue  # a kernel: counted with its server
            found.append((server.memory_info().rss / 2**20,
                          [k.memory_info().rss / 2**20 for k in server.children()]))
        except psutil.Error:  # a process came or went meanwhile
            continue
    return found


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
            settle(hub)
            alone_memory = memory_of(hub.server_pids())
            with ThreadPoolExecutor(max_workers=len(names)) as pool:
                times = list(pool.map(lambda n: arrive(hub, n), names))
            settle(hub)
            total = memory_of(hub.server_pids())
            parts = servers_and_kernels(hub)
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
    print(f"of which, the median participant: server {statistics.median(s for s, _ in parts):.0f} MiB, "
          f"{statistics.median(len(k) for _, k in parts):.0f} kernels, "
          f"{statistics.median(sum(k) for _, k in parts):.0f} MiB in kernels")
    if left:
        print(f"warning: processes left running: {left}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
