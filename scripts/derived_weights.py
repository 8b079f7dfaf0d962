"""Shared by the scripts that derive shipped weights: file digests and the committed list of them.

scripts/derived-weights.sha256 lists, as `sha256sum` prints them, the files we derive from published
weights (int8 encoder, ONNX export, the bench's int8 probe); each script checks what it wrote
against its line, so a re-derivation that differs by one byte is reported.
"""
import hashlib
import os
import sys

LISTING = os.path.join(os.path.dirname(os.path.abspath(__file__)), "derived-weights.sha256")


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def check(path, shipped_name):
    """Prints `path`'s sha256 and exits with an error unless it is the listed one for `shipped_name`."""
    digest = sha256(path)
    print(f"{path}: sha256 {digest}")
    with open(LISTING) as f:
        expected = [line.split()[0] for line in f if line.split() and line.split()[1].endswith("/" + shipped_name)]
    if not expected:
        print(f"({shipped_name} is not listed in {LISTING})")
    elif digest != expected[0]:
        sys.exit(f"MISMATCH: expected sha256 {expected[0]} (a different torch build writes other bytes)")
    else:
        print(f"identical to the shipped {shipped_name}")
