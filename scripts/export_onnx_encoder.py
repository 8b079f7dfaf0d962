#!/usr/bin/env python3
"""Export the default float encoder, models/default/mobilenet_v2_features.pt, to ONNX for ONNX
Runtime (models/default/mobilenet_v2_features.onnx), and check it is the shipped file, byte for byte.

  /usr/bin/python3 scripts/export_onnx_encoder.py \
      [--encoder models/default/mobilenet_v2_features.pt] [--out models/default/mobilenet_v2_features.onnx]

Needs Debian's python3-torch 1.13 (its exporter needs no onnx package).

The TorchScript trunk is exported as it is: the same weights, opset 13, the batch axis dynamic
(input "image" [N,3,224,224], output "features" [N,1280,7,7]). captioner runs .onnx encoders with
DJL's OnnxRuntime engine; `./captioner bench` compares the two engines on this one network.
"""
import argparse
import os
import shutil
import sys
import tempfile

import torch

from derived_weights import FLOAT_TRUNK_SHA256 as FLOAT_SHA256, install, sha256


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--encoder", default="models/default/mobilenet_v2_features.pt")
    ap.add_argument("--out", default="models/default/mobilenet_v2_features.onnx")
    args = ap.parse_args()
    if sha256(args.encoder) != FLOAT_SHA256:
        sys.exit(f"{args.encoder}: not the default float trunk (sha256 {FLOAT_SHA256}); see derive_encoder.py")
    trunk = torch.jit.load(args.encoder).eval()
    example = torch.zeros(1, 3, 224, 224)
    tmp = tempfile.mkdtemp()
    path = os.path.join(tmp, "mobilenet_v2_features.onnx")
    torch.onnx.export(trunk, (example,), path, input_names=["image"], output_names=["features"],
                      dynamic_axes={"image": {0: "batch"}, "features": {0: "batch"}}, opset_version=13)
    print(f"torch {torch.__version__}")
    install(path, args.out, "mobilenet_v2_features.onnx")
    shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
