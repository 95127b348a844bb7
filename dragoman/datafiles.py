"""Reading the pipeline's data files (dragoman/data/**.yaml): one reader for every stage.

Each file is a YAML mapping with `version: 1`; a file that is not one fails loudly, naming
the file, when its stage first loads it, never mid-analysis.
"""
from __future__ import annotations

from pathlib import Path

import yaml

# libyaml's parser where installed: 20x faster than the pure-Python one on the large files
_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _UniqueKeyLoader(yaml.SafeLoader):
    """A YAML loader that refuses a key given twice (the second would silently win)."""

    def construct_mapping(self, node, deep=False):
        keys = [self.construct_object(k, deep=deep) for k, _ in node.value]
        dup = {k for k in keys if isinstance(k, str) and keys.count(k) > 1}
        if dup:
            raise ValueError(f"{node.start_mark}: duplicate keys {sorted(dup)}")
        return super().construct_mapping(node, deep=deep)


def read_data(path: Path, unique_keys: bool = False) -> dict:
    """The data file as a dict. unique_keys: refuse a mapping that gives a key twice (read with
    the pure-Python parser: for the hand-written tables where a repeated key is a likely slip)."""
    with Path(path).open(encoding="utf-8") as stream:   # (read from the file, so a YAML error names it)
        data = yaml.load(stream, Loader=_UniqueKeyLoader if unique_keys else _FAST_LOADER)
    if not isinstance(data, dict) or data.get("version") != 1:
        raise ValueError(f"{path}: expected a mapping with 'version: 1'")
    return data
