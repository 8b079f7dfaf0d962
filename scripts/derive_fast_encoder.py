#!/usr/bin/env python3
"""Derive the default model's encoder in its fast form, models/default/mobilenet_v2_features_fast.pt,
from the float trunk (scripts/derive_encoder.py), and check it is the shipped file, byte for byte.

  /usr/bin/python3 scripts/derive_fast_encoder.py \
      [--trunk models/show-and-tell/mobilenet_v2_features.pt] [--out models/default/mobilenet_v2_features_fast.pt]

Needs Debian's python3-torch 1.13 and python3-torchvision 0.14.

The same network computing the same function, arranged the way libtorch's CPU convolutions run
fastest (2026-11-26, 2 AMD EPYC cores, PyTorch 2.7.1 through DJL: 339 against 173 images/s at
batch 8):
  * each batch norm folded into the convolution before it (the float trunk keeps them as separate
    layers: weight 1, mean 0, variance 1 - eps, so folding changes the weights by rounding only);
  * the weights stored channels-last (NHWC), and the input made channels-last on entry, so oneDNN
    runs every convolution, the depthwise ones above all, on its NHWC kernels without reordering
    each layer's activations;
  * the output made contiguous (NCHW) again, [N,1280,H/32,W/32] as before.
Its features differ from the float trunk's by rounding (largest difference about 1e-5 on random
input); it is a different file, so it has its own encoder identity, and features from the two are
kept apart in every cache.

The trace records where it was made (file names and lines of the Python source), so the tracing
stage is written to a fixed path and run from there: with the same torch build the bytes are the
same wherever the project is cloned.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile

import torch

from derived_weights import FLOAT_TRUNK_SHA256 as FLOAT_SHA256, install, sha256

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
STAGE_FILE = "/tmp/captioner-derive/fast_trunk.py"

# The tracing stage: argv[1] the float trunk, argv[2] where to write the fast form.
STAGE = '''import sys
import torch
import torchvision
from torch.nn.utils.fusion import fuse_conv_bn_eval


def fold(module):
    """Folds every batch norm into the convolution just before it, in place."""
    names = list(module._modules)
    for i, name in enumerate(names):
        child = module._modules[name]
        following = module._modules[names[i + 1]] if i + 1 < len(names) else None
        if isinstance(child, torch.nn.Conv2d) and isinstance(following, torch.nn.BatchNorm2d):
            module._modules[name] = fuse_conv_bn_eval(child, following)
            module._modules[names[i + 1]] = torch.nn.Identity()
        else:
            fold(child)


class ChannelsLast(torch.nn.Module):
    def __init__(self, trunk):
        super().__init__()
        self.trunk = trunk

    def forward(self, x):
        return self.trunk(x.contiguous(memory_format=torch.channels_last)).contiguous()


trunk = torchvision.models.mobilenet_v2(weights=None).features.eval()
trunk.load_state_dict(torch.jit.load(sys.argv[1]).state_dict())
fold(trunk)
model = ChannelsLast(trunk.to(memory_format=torch.channels_last)).eval()
with torch.no_grad():
    traced = torch.jit.trace(model, torch.zeros(1, 3, 224, 224))
traced.save(sys.argv[2])
'''


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--trunk", default=os.path.join(ROOT, "models/show-and-tell/mobilenet_v2_features.pt"))
    ap.add_argument("--out", default=os.path.join(ROOT, "models/default/mobilenet_v2_features_fast.pt"))
    args = ap.parse_args()
    if sha256(args.trunk) != FLOAT_SHA256:
        sys.exit(f"{args.trunk}: not the float trunk (sha256 {FLOAT_SHA256}); see derive_encoder.py")
    if os.path.lexists(STAGE_FILE):
        sys.exit(f"{STAGE_FILE} exists; move it away first (this script writes its tracing stage there)")
    os.makedirs(os.path.dirname(STAGE_FILE), mode=0o700, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        written = os.path.join(tmp, "mobilenet_v2_features_fast.pt")
        try:
            # O_EXCL: never through a link someone left there, never over another's file.
            with os.fdopen(os.open(STAGE_FILE, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as f:
                f.write(STAGE)
            subprocess.run([sys.executable, STAGE_FILE, args.trunk, written], check=True)
        finally:
            os.remove(STAGE_FILE)
        trunk = torch.jit.load(args.trunk).eval()
        fast = torch.jit.load(written).eval()
        x = torch.rand(4, 3, 224, 224, generator=torch.Generator().manual_seed(0))
        with torch.no_grad():
            a, b = trunk(x), fast(x)
        diff = (a - b).abs().max().item()
        print(f"output {tuple(b.shape)}, contiguous {b.is_contiguous()}; largest difference from the float"
              f" trunk {diff:.2e}; torch {torch.__version__}")
        if b.shape != a.shape or not b.is_contiguous() or diff > 1e-4:
            sys.exit("the fast form does not compute the float trunk's function")
        # On a mismatch install() keeps the shipped file; keep the new one beside it to compare.
        kept = args.out + ".new"
        shutil.copyfile(written, kept)
        install(kept, args.out, "mobilenet_v2_features_fast.pt")
        os.remove(kept)


if __name__ == "__main__":
    main()
