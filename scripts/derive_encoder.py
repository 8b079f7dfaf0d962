#!/usr/bin/env python3
"""Re-derive the default model's encoder, models/default/mobilenet_v2_features.pt, from the
published quantized ImageNet MobileNetV2, and check it is the same file, byte for byte.

  /usr/bin/python3 scripts/derive_encoder.py \
      [--quantized ../shared/models/encoders/mobilenet_v2_quantized_imagenet.pt] \
      [--out models/default/mobilenet_v2_features.pt]

Needs Debian's python3-torch 1.13 and python3-torchvision 0.14 (apt install python3-torchvision).

The published model is torchvision's `mobilenet_v2(pretrained=True, quantize=True)` traced to
TorchScript (from the pytorch/ios-demo-app repository, BSD licence): int8 convolutions with
batch norm folded into them. The float trunk is torchvision's `mobilenet_v2().features` with
  * each convolution's weight = its dequantized int8 weight,
  * each batch norm an identity plus the folded bias: weight 1, bias = the quantized conv's float
    bias, running mean 0, running variance 1 - eps (so that sqrt(var + eps) = 1),
traced at 1x3x224x224. Output [N,1280,H/32,W/32]; the 1,000-class head is left out.

A TorchScript archive records where its trace was made (the call stack of the trace, file names
and lines, in every *.debug_pkl). The shipped file was traced at line 50 of a script run as
/tmp/work/dequant.py, so the tracing stage is written there for the moment it runs: with that, the
same torch build writes the same bytes and the sha256 matches.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile

import torch
import torchvision

from derived_weights import FLOAT_TRUNK_SHA256 as FEATURES_SHA256, sha256  # shared with the other scripts

QUANTIZED_SHA256 = "01bfff6bf373fd58920828687f0697f424315d37b941f72510e7afc9bd8e2ce8"
# Where the shipped trunk was traced from, as its debug records say ("/tmp/work/dequant.py(50)").
TRACE_FILE, TRACE_LINE = "/tmp/work/dequant.py", 50
ARCHIVE_NAME = "mnv2_features_ts"  # the folder name inside the shipped archive


def packed_convs(quantized):
    """The quantized model's convolution parameters in forward order: (float weight, float bias)."""
    _, constants = quantized.code_with_constants
    packed = [constants.const_mapping[k] for k in sorted(constants.const_mapping, key=lambda k: int(k[1:]))]
    convs = []
    for p in packed:
        if "stride" not in p._method_names():
            continue  # the classifier's linear layer
        weight, bias = torch.ops.quantized.conv2d_unpack(p)
        convs.append((weight.dequantize(), bias))
    return convs


def float_trunk(convs):
    features = torchvision.models.mobilenet_v2(weights=None).features.eval()
    modules = [m for m in features.modules() if isinstance(m, (torch.nn.Conv2d, torch.nn.BatchNorm2d))]
    conv_modules = [m for m in modules if isinstance(m, torch.nn.Conv2d)]
    if len(conv_modules) != len(convs):
        sys.exit(f"expected {len(conv_modules)} convolutions in the quantized model, found {len(convs)}")
    with torch.no_grad():
        it = iter(convs)
        for i, m in enumerate(modules):
            if isinstance(m, torch.nn.Conv2d):
                weight, bias = next(it)
                m.weight.copy_(weight)
                norm = modules[i + 1]
                norm.weight.fill_(1.0)
                norm.bias.copy_(bias)
                norm.running_mean.zero_()
                norm.running_var.fill_(1.0 - norm.eps)
    return features


# The tracing stage, run as its own program from TRACE_FILE so that the recorded call stack is
# exactly the original's: one module-level frame at TRACE_LINE.
TRACE_STAGE = """import sys
import torch
import torchvision
features = torchvision.models.mobilenet_v2(weights=None).features.eval()
features.load_state_dict(torch.load(sys.argv[1]))
example = torch.zeros(1, 3, 224, 224)
"""


def trace(features, out, tmp):
    """Traces the trunk at 1x3x224x224 into `out`, from TRACE_FILE at TRACE_LINE."""
    state = os.path.join(tmp, "features.state")
    torch.save(features.state_dict(), state)
    lines = TRACE_STAGE.splitlines()
    lines += [""] * (TRACE_LINE - 1 - len(lines))
    lines += ["traced = torch.jit.trace(features, example)", "traced.save(sys.argv[2])", ""]
    os.makedirs(os.path.dirname(TRACE_FILE), exist_ok=True)
    if os.path.exists(TRACE_FILE):
        sys.exit(f"{TRACE_FILE} exists; move it away first (this script writes its tracing stage there)")
    try:
        with open(TRACE_FILE, "w") as f:
            f.write("\n".join(lines))
        subprocess.run([sys.executable, TRACE_FILE, state, out], check=True)
    finally:
        os.remove(TRACE_FILE)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quantized", default="../shared/models/encoders/mobilenet_v2_quantized_imagenet.pt")
    ap.add_argument("--out", default="models/default/mobilenet_v2_features.pt")
    args = ap.parse_args()
    if sha256(args.quantized) != QUANTIZED_SHA256:
        sys.exit(f"{args.quantized}: not the published quantized MobileNetV2 (sha256 {QUANTIZED_SHA256})")
    quantized = torch.jit.load(args.quantized).eval()
    features = float_trunk(packed_convs(quantized))
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, ARCHIVE_NAME + ".pt")
        trace(features, path, tmp)
        digest = sha256(path)
        shutil.copyfile(path, args.out)
    traced = torch.jit.load(args.out)
    x = torch.rand(2, 3, 224, 224)
    with torch.no_grad():
        print(f"output shape {tuple(traced(x).shape)}; torch {torch.__version__}, torchvision {torchvision.__version__}")
    print(f"{args.out}: sha256 {digest}")
    if digest != FEATURES_SHA256:
        sys.exit(f"MISMATCH: expected sha256 {FEATURES_SHA256} (a different torch build writes other bytes;"
                 " compare the weights with torch.jit.load(...).state_dict())")
    print("identical to the shipped encoder")


if __name__ == "__main__":
    main()
