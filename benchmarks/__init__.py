"""dragoman's benchmarks: `.venv/bin/python -m benchmarks [--docs N]` (see benchmarks/__main__.py)."""
from __future__ import annotations

import os
import platform
from pathlib import Path


def machine() -> str:
    """The machine figures were measured on, for the README (also used by scripts/score_all.py)."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{platform.system()} {platform.machine()}, {cpu}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
