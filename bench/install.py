"""`make demo` from nothing: its time and the size of the environment it builds.

A copy of the working tree goes to a temporary folder; there `make demo` runs with no `.venv`, no
database and an empty pip cache (cold: every wheel comes from PyPI), then again with no `.venv` and no
database but the cache it filled (warm), timed in two parts: the install (`make .venv/.runtime`) and
`pariah demo`. The baseline, in the same run, is the install of the runtime dependencies as they were
before the events and Parquet libraries became extras (`pip install --no-compile '.[events,parquet]'`,
warm cache). Needs PyPI; prints one JSON object. The load average is printed too: on a shared machine
the wall-clock times grow with it, the sizes do not.

    python3 bench/install.py
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _copy_tree(dest: Path) -> None:
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT, check=True,
                           capture_output=True, text=True).stdout.splitlines()
    for name in files:
        source = ROOT / name
        if source.is_file() and not name.startswith(".venv/"):
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)


def _mib(path: Path) -> float:
    """Disk use in MiB, as ``du`` counts it (allocated blocks, each file once)."""
    seen, total = set(), 0
    for folder, _, names in os.walk(path):
        for name in names:
            st = os.lstat(os.path.join(folder, name))
            if (st.st_dev, st.st_ino) not in seen:
                seen.add((st.st_dev, st.st_ino))
                total += st.st_blocks * 512
    return round(total / 2**20, 1)


def _timed(command: list[str], cwd: Path, env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"{' '.join(command)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    return round(time.perf_counter() - start, 1)


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="pariah-install-"))
    try:
        tree = tmp / "tree"
        _copy_tree(tree)
        env = {k: v for k, v in os.environ.items() if k != "PARIAH_DB"}
        env.update(PIP_CACHE_DIR=str(tmp / "pip-cache"), XDG_DATA_HOME=str(tmp / "data"))
        load = os.getloadavg()[0]
        cold = _timed(["make", "demo"], tree, env)
        size = _mib(tree / ".venv")
        shutil.rmtree(tree / ".venv")
        shutil.rmtree(tmp / "data")
        warm_install = _timed(["make", ".venv/.runtime"], tree, env)
        warm_demo = _timed(["make", "demo"], tree, env)
        base = tmp / "base"
        base_s = _timed([sys.executable, "-m", "venv", str(base)], tree, env)
        base_s += _timed([str(base / "bin" / "python"), "-m", "pip", "install", "--quiet", "--no-compile", "-e",
                          ".[events,parquet]"], tree, env)
        base_size = _mib(base)
        print(json.dumps({
            "demo_env_mib": size, "make_demo_cold_s": cold, "make_demo_warm_s": round(warm_install + warm_demo, 1),
            "install_warm_s": warm_install, "pariah_demo_s": warm_demo,
            "baseline_env_mib": base_size, "baseline_install_warm_s": base_s,
            "size_ratio": round(base_size / size, 2), "install_ratio": round(base_s / warm_install, 2),
            "load_average_at_start": round(load, 2), "cpus": os.cpu_count(),
            "python": ".".join(map(str, sys.version_info[:3]))}))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
