#!/usr/bin/env python3
"""Derive the ImageNet classifier head that belongs to the default model's encoder,
models/default/imagenet_head.pt, from the published quantized ImageNet MobileNetV2.

  /usr/bin/python3 scripts/derive_classifier_head.py \
      [--quantized ../shared/models/encoders/mobilenet_v2_quantized_imagenet.pt] \
      [--encoder models/default/mobilenet_v2_features.pt] [--samples samples] \
      [--synsets ../shared/models/encoders/imagenet_synsets.txt] [--out models/default/imagenet_head.pt]

Needs Debian's python3-torch 1.13 and python3-torchvision 0.14 (for reading photos: PIL).

The quantized model ends in adaptive average pooling over the trunk's 7x7 grid and one int8
linear layer, 1280 -> 1000 ImageNet logits. Captioner already has the pooled 1280-d vector of
every photo (the decoder's input), so the class posterior costs one small matrix product and no
second pass over the image. This script dequantizes that layer (stored as float16, half the
size; rounding moves no top-3 class below) into a TorchScript module: input [N,1280] features,
output [N,1000] class probabilities (softmax of the logits), in imagenet_synsets.txt order.

Check: for each sample photo it prints the top-3 classes of (float trunk -> mean -> head) beside
those of the quantized network itself; they should agree (the trunk's weights are the dequantized
ones; activations differ slightly: the float trunk clips at 6 where the int8 one saturates).
"""
import argparse
import hashlib
import os
import sys

import torch
import torch.nn.functional as F
from PIL import Image

QUANTIZED_SHA256 = "01bfff6bf373fd58920828687f0697f424315d37b941f72510e7afc9bd8e2ce8"
# What this script wrote with Debian's torch 1.13.1, run from the repository root as documented above.
HEAD_SHA256 = "7064be00787d2182070510ba86a9953d76a0f2f94cf08bb83545725cb2dee883"
MEAN = torch.tensor([0.485, 0.456, 0.406]).view(3, 1, 1)
STD = torch.tensor([0.229, 0.224, 0.225]).view(3, 1, 1)


class ImageNetHead(torch.nn.Module):
    """Pooled MobileNetV2 features [N,1280] -> ImageNet class probabilities [N,1000]."""

    def __init__(self, weight, bias):
        super().__init__()
        self.register_buffer("weight", weight.half())
        self.register_buffer("bias", bias.half())

    def forward(self, pooled):
        return F.softmax(F.linear(pooled, self.weight.float(), self.bias.float()), dim=1)


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def photo(path):
    """The captioner's preprocessing for the default model: squash to 224x224, ImageNet mean/std."""
    img = Image.open(path).convert("RGB")
    t = torch.frombuffer(bytearray(img.tobytes()), dtype=torch.uint8).view(img.height, img.width, 3)
    t = t.permute(2, 0, 1).float().unsqueeze(0) / 255.0
    t = F.interpolate(t, size=(224, 224), mode="bilinear", align_corners=False, antialias=True)
    return (t[0] - MEAN) / STD


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quantized", default="../shared/models/encoders/mobilenet_v2_quantized_imagenet.pt")
    ap.add_argument("--encoder", default="models/default/mobilenet_v2_features.pt")
    ap.add_argument("--synsets", default="../shared/models/encoders/imagenet_synsets.txt")
    ap.add_argument("--samples", default="samples")
    ap.add_argument("--out", default="models/default/imagenet_head.pt")
    args = ap.parse_args()
    if sha256(args.quantized) != QUANTIZED_SHA256:
        sys.exit(f"{args.quantized}: not the published quantized MobileNetV2 (sha256 {QUANTIZED_SHA256})")
    quantized = torch.jit.load(args.quantized).eval()
    _, constants = quantized.code_with_constants
    linears = [p for p in constants.const_mapping.values() if "stride" not in p._method_names()]
    if len(linears) != 1:
        sys.exit(f"expected one linear layer in the quantized model, found {len(linears)}")
    weight, bias = torch.ops.quantized.linear_unpack(linears[0])
    head = torch.jit.script(ImageNetHead(weight.dequantize(), bias))
    head.save(args.out)
    digest = sha256(args.out)
    same = "identical to the shipped head" if digest == HEAD_SHA256 else f"differs from the shipped {HEAD_SHA256}"
    print(f"{args.out}: sha256 {digest} ({same}); weight {tuple(weight.shape)}")

    names = [line.split(" ", 1)[1].split(",")[0].strip() for line in open(args.synsets) if line.strip()]
    trunk = torch.jit.load(args.encoder).eval()
    head = torch.jit.load(args.out).eval()
    agree = 0
    files = sorted(os.listdir(args.samples))
    with torch.no_grad():
        for name in files:
            x = photo(os.path.join(args.samples, name)).unsqueeze(0)
            ours = head(trunk(x).mean(dim=(2, 3)))[0]
            theirs = F.softmax(quantized(x), dim=1)[0]
            top_ours = ours.topk(3)
            top_theirs = theirs.topk(3)
            agree += int(top_ours.indices[0] == top_theirs.indices[0])
            fmt = lambda t: ", ".join(f"{names[i]} {p:.2f}" for p, i in zip(t.values.tolist(), t.indices.tolist()))
            print(f"{name}: head {fmt(top_ours)} | quantized network {fmt(top_theirs)}")
    print(f"top-1 agreement with the quantized network: {agree}/{len(files)}")


if __name__ == "__main__":
    main()
