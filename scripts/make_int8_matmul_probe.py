#!/usr/bin/env python3
"""Write bench/int8_matmul_probe.pt: one int8 matrix product for `./captioner bench`'s int8 peak.

  /usr/bin/python3 scripts/make_int8_matmul_probe.py [--out bench/int8_matmul_probe.pt]

Needs Debian's python3-torch 1.13. The module quantizes its float input [M,1024] to uint8,
multiplies it by a 1024x1024 int8 weight with PyTorch's quantized linear layer (the kernels the
int8 encoder's convolutions use; re-packed for the running machine when loaded) and dequantizes
the product. The weight is constant: the speed of an int8 product does not depend on its values,
and a constant weight keeps the file small in the repository's history. The bench divides
2*M*1024*1024 operations by the best time of a call: that is the int8 peak it quotes. The file holds
no trained weights, and its bytes depend on where this script lies (TorchScript records the source
file of a scripted module), so it has no line in derived-weights.sha256.
"""
import argparse
import os
import shutil
import tempfile

import torch


K = N = 1024


class Probe(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = torch.nn.quantized.Linear(K, N, bias_=False, dtype=torch.qint8)
        weight = torch.quantize_per_tensor(torch.full((N, K), 0.01), 0.01, 0, torch.qint8)
        self.linear.set_weight_bias(weight, None)
        self.linear.scale, self.linear.zero_point = 1.0, 128

    def forward(self, x):
        return self.linear(torch.quantize_per_tensor(x, 0.05, 128, torch.quint8)).dequantize()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default="bench/int8_matmul_probe.pt")
    args = ap.parse_args()
    torch.backends.quantized.engine = "qnnpack"  # Debian's torch 1.13 has no fbgemm
    probe = torch.jit.script(Probe().eval())
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "int8_matmul_probe.pt")  # the archive's inner folder is named after it
        probe.save(path)
        shutil.copyfile(path, args.out)
    print(f"{args.out}: output {tuple(torch.jit.load(args.out)(torch.rand(4, K)).shape)}")


if __name__ == "__main__":
    main()
