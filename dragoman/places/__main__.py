"""`python -m dragoman.places build`: build the packaged gazetteer file now (install
time) rather than on the first analysis. `python -m dragoman.places path` prints where it is; `build --to FILE` builds elsewhere."""
from __future__ import annotations

import sys
import time


def main(argv: list[str]) -> int:
    from dragoman.places import store

    command = argv[0] if argv else "build"
    if command == "build":
        started = time.perf_counter()
        target = argv[argv.index("--to") + 1] if "--to" in argv else None
        path = store.build(target)
        print(f"gazetteer built in {time.perf_counter() - started:.1f} s: {path}")
        return 0
    if command == "path":
        print(store.store_path())
        return 0
    print("usage: python -m dragoman.places [build|path]", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
