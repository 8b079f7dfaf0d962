#!/usr/bin/env python3
"""Derive the int8 encoder, models/default/mobilenet_v2_int8_features.pt, from the published
quantized ImageNet MobileNetV2, and check it is the shipped file, byte for byte.

  /usr/bin/python3 scripts/derive_int8_encoder.py \
      [--quantized ../shared/models/encoders/mobilenet_v2_quantized_imagenet.pt] \
      [--out models/default/mobilenet_v2_int8_features.pt]

Needs Debian's python3-torch 1.13 (no torchvision).

The published model (torchvision's quantized MobileNetV2, traced to TorchScript; see
derive_encoder.py) is one flat graph: quantize -> 52 int8 convolutions and adds -> average pool ->
int8 linear -> dequantize. Its convolutional trunk is that graph cut before the pool: the last
convolution's int8 output [N,1280,H/32,W/32] is dequantized and returned instead of the logits;
the pool, the linear layer and their constants are dropped. Nothing is re-quantized or re-traced,
so every int8 weight, scale and zero point is the published one. The same network in float (its
dequantized weights) is the default encoder, mobilenet_v2_features.pt; the two give close but not
identical features (activations here are int8 too), so the bundle records each with its own
identity.

The file is written by the torch that runs this script; its int8 convolutions are re-packed for
the running machine's kernels (fbgemm/x86 in libtorch 2.7) when it is loaded.
"""
import argparse
import os
import shutil
import sys
import tempfile

import torch

from derived_weights import install, sha256

QUANTIZED_SHA256 = "01bfff6bf373fd58920828687f0697f424315d37b941f72510e7afc9bd8e2ce8"
SHIPPED = "models/default/mobilenet_v2_int8_features.pt"


def cut_before_pool(model):
    """Makes `model` return the dequantized input of its one adaptive average pool."""
    graph = model.graph
    pools = [n for n in graph.nodes() if n.kind() == "aten::adaptive_avg_pool2d"]
    if len(pools) != 1:
        sys.exit(f"expected one average pool in the published graph, found {len(pools)}")
    trunk = pools[0].inputsAt(0)
    dequantize = graph.create("aten::dequantize", [trunk])
    dequantize.insertAfter(trunk.node())
    dequantize.output().setType(torch._C.TensorType.get())
    graph.eraseOutput(0)
    graph.registerOutput(dequantize.output())
    torch._C._jit_pass_dce(graph)  # the pool, flatten, linear and final dequantize
    return model


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quantized", default="../shared/models/encoders/mobilenet_v2_quantized_imagenet.pt")
    ap.add_argument("--out", default=SHIPPED)
    args = ap.parse_args()
    if sha256(args.quantized) != QUANTIZED_SHA256:
        sys.exit(f"{args.quantized}: not the published quantized MobileNetV2 (sha256 {QUANTIZED_SHA256})")
    model = cut_before_pool(torch.jit.load(args.quantized).eval())
    # The archive's inner folder is named after the file it is saved as: save under the shipped
    # name, so that any --out gets the same bytes.
    tmp = tempfile.mkdtemp()
    path = os.path.join(tmp, os.path.basename(SHIPPED))
    model.save(path)
    # Torch 1.13 from Debian has no fbgemm kernels, so the cut model is checked with qnnpack's.
    torch.backends.quantized.engine = "qnnpack"
    with torch.no_grad():
        out = torch.jit.load(path)(torch.rand(2, 3, 224, 224))
    print(f"output shape {tuple(out.shape)} {out.dtype}; torch {torch.__version__}")
    if tuple(out.shape) != (2, 1280, 7, 7):
        sys.exit("unexpected output shape")
    install(path, args.out, os.path.basename(SHIPPED))
    shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
