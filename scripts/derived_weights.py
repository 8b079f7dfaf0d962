"""Shared by the scripts that derive shipped weights: file digests and the committed list of them.

scripts/derived-weights.sha256 lists, as `sha256sum` prints them, the files we derive from published
weights (the int8 encoder and the ONNX export); each script writes its result to a temporary file,
checks it against its line and only then puts it in place, so a re-derivation that differs by one
byte is reported and the shipped file is left as it was.
"""
import hashlib
import os
import shutil
import sys

# The float trunk, scripts/derive_encoder.py's output: the file the ONNX export and the fast form start from.
FLOAT_TRUNK_SHA256 = "b2a3a2cc7594ee9c559bd923a60dab90787f4256f572f07c9854f231b16f21bd"

LISTING = os.path.join(os.path.dirname(os.path.abspath(__file__)), "derived-weights.sha256")


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def install(written, out, shipped_name):
    """Copies `written` to `out` if its sha256 is the listed one for `shipped_name` (or none is listed);
    otherwise exits with an error and leaves `out` alone."""
    digest = sha256(written)
    print(f"{shipped_name}: sha256 {digest}")
    with open(LISTING) as f:
        expected = [line.split()[0] for line in f if len(line.split()) == 2
                    and line.split()[1].endswith("/" + shipped_name)]
    if expected and digest != expected[0]:
        sys.exit(f"MISMATCH: expected sha256 {expected[0]} (a different torch build writes other bytes);"
                 f" {out} left as it was, the new file is {written}")
    shutil.copyfile(written, out)
    print(f"wrote {out}" + (f", identical to the shipped {shipped_name}" if expected else ""))
