"""dragoman's benchmarks: `.venv/bin/python -m benchmarks [--docs N]` (see benchmarks/__main__.py)."""
