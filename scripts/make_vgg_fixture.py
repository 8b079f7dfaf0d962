#!/usr/bin/env python3
"""Writes a tiny VGG-shaped TorchScript encoder with fixed random weights, for tests.

VGG16 weights cannot be obtained on our offline machines, but the VGG code path (a plain stack of
3x3 convolutions and max-pools, then fully-connected layers whose fc7-style vector is the image
feature) must be real. This network has that shape at a size fit to commit (about 150 KB).

Run with Debian's torch:  /usr/bin/python3 scripts/make_vgg_fixture.py
Output: captioner-core/src/test/resources/fixtures/tiny_vgg_fc7.pt  input [N,3,H,W] -> [N,64]
"""
import os
import torch
import torch.nn as nn


class TinyVgg(nn.Module):
    def __init__(self):
        super().__init__()
        def block(cin, cout, convs):
            layers = []
            for i in range(convs):
                layers += [nn.Conv2d(cin if i == 0 else cout, cout, 3, padding=1), nn.ReLU(inplace=True)]
            return layers + [nn.MaxPool2d(2, 2)]
        self.features = nn.Sequential(*block(3, 8, 2), *block(8, 16, 2), *block(16, 32, 3))
        self.avgpool = nn.AdaptiveAvgPool2d((2, 2))
        # fc6 -> fc7, as VGG's classifier without the final 1000-way layer.
        self.classifier = nn.Sequential(
            nn.Linear(32 * 2 * 2, 64), nn.ReLU(inplace=True),
            nn.Linear(64, 64), nn.ReLU(inplace=True))

    def forward(self, x):
        x = self.avgpool(self.features(x))
        return self.classifier(torch.flatten(x, 1))


def main():
    torch.manual_seed(1234)
    model = TinyVgg().eval()
    example = torch.rand(1, 3, 224, 224)
    traced = torch.jit.trace(model, example)
    here = os.path.dirname(os.path.abspath(__file__))
    out = os.path.join(here, "..", "captioner-core", "src", "test", "resources", "fixtures", "tiny_vgg_fc7.pt")
    traced.save(out)
    # A reference output for a fixed input lets the Java test check DJL runs it the same way.
    torch.manual_seed(7)
    probe = torch.rand(2, 3, 224, 224)
    with torch.no_grad():
        ref = traced(probe)
    print("wrote", os.path.normpath(out), "output", tuple(ref.shape), "sum", float(ref.sum()))


if __name__ == "__main__":
    main()
