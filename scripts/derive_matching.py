#!/usr/bin/env python3
"""Trains the bundle's image-caption matching model and writes it as TorchScript (matching.pt).

The captioner uses it to rerank the n-best captions of a photo (README, "Reranking"): a joint
embedding in which a photo's pooled encoder features and a caption land close when the caption
describes the photo (Faghri et al., "VSE++", BMVC 2018: hinge loss on the hardest negative in the
batch). Trained here, on the Flickr8k training images and captions only, from the feature cache
that `./captioner features --grid` wrote with the bundle's float trunk (the bundle's fast trunk
gives the same features to about 1e-5).

  image   -> Linear(1280, 512) -> L2 norm
  caption -> the bundle's vocabulary ids -> embedding 300 -> a GRU each way (512) -> mean of the
             two last states -> L2 norm
  forward(pooled [M,1280] float, tokens [M,L] int64 padded with 0, lengths [M] int64) -> cosine [M]

The backward GRU reads each caption's own words reversed (padding stays after them), so padding
never reaches either last state: the same as packed sequences, with no packing in the script.

Usage (Debian's python3-torch with libopenblas0-pthread; about 11 minutes on 2 cores):
  /usr/bin/python3 scripts/derive_matching.py --features <grid cache>/vectors \
      --data-dir ../shared/datasets/flickr8k --vocabulary models/default/vocabulary.json \
      --out models/default/matching.pt
Seeded; the weights come out the same on the same machine and torch build (threads fixed at 2).
"""
import argparse
import json
import os
import re
from typing import List

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

TOKEN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*|'s|[#&]")
UNK = 3


class Matching(nn.Module):
    def __init__(self, vocab: int, feat: int = 1280, dim: int = 512, embed: int = 300):
        super().__init__()
        self.image = nn.Linear(feat, dim)
        self.embed = nn.Embedding(vocab, embed, padding_idx=0)
        self.forward_gru = nn.GRU(embed, dim, batch_first=True)
        self.backward_gru = nn.GRU(embed, dim, batch_first=True)

    def images(self, pooled: torch.Tensor) -> torch.Tensor:
        return F.normalize(self.image(pooled), dim=1)

    def captions(self, tokens: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        x = self.embed(tokens)
        rows = torch.arange(tokens.size(0))
        last = (lengths - 1).clamp(min=0)
        ahead, _ = self.forward_gru(x)
        # Position j of the reversed caption is word len-1-j; past the caption, any word (index 0).
        back = (lengths.unsqueeze(1) - 1 - torch.arange(tokens.size(1)).unsqueeze(0)).clamp(min=0)
        reversed_words = x.gather(1, back.unsqueeze(2).expand(-1, -1, x.size(2)))
        behind, _ = self.backward_gru(reversed_words)
        return F.normalize((ahead[rows, last] + behind[rows, last]) / 2, dim=1)

    def forward(self, pooled: torch.Tensor, tokens: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        return (self.images(pooled) * self.captions(tokens, lengths)).sum(1)


class Stored(nn.Module):
    """A trained Matching as shipped: its weights stored in float16 (half the file), computed in float32.
    The GRUs run through torch.gru with the weights cast on each call (a few milliseconds a batch)."""

    def __init__(self, trained):
        super().__init__()
        w = {k: v.detach().half() for k, v in trained.state_dict().items()}
        for name, tensor in w.items():
            self.register_buffer(name.replace(".", "_"), tensor)

    def gru(self, x: torch.Tensor, weights: List[torch.Tensor]) -> torch.Tensor:
        h0 = torch.zeros(1, x.size(0), weights[1].size(1), dtype=torch.float32)
        out, _ = torch.gru(x, h0, weights, True, 1, 0.0, False, False, True)
        return out

    def forward(self, pooled: torch.Tensor, tokens: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        image = F.normalize(F.linear(pooled, self.image_weight.float(), self.image_bias.float()), dim=1)
        x = F.embedding(tokens, self.embed_weight.float())
        rows = torch.arange(tokens.size(0))
        last = (lengths - 1).clamp(min=0)
        ahead = self.gru(x, [self.forward_gru_weight_ih_l0.float(), self.forward_gru_weight_hh_l0.float(),
                             self.forward_gru_bias_ih_l0.float(), self.forward_gru_bias_hh_l0.float()])
        back = (lengths.unsqueeze(1) - 1 - torch.arange(tokens.size(1)).unsqueeze(0)).clamp(min=0)
        behind = self.gru(x.gather(1, back.unsqueeze(2).expand(-1, -1, x.size(2))),
                          [self.backward_gru_weight_ih_l0.float(), self.backward_gru_weight_hh_l0.float(),
                           self.backward_gru_bias_ih_l0.float(), self.backward_gru_bias_hh_l0.float()])
        text = F.normalize((ahead[rows, last] + behind[rows, last]) / 2, dim=1)
        return (image * text).sum(1)


class Ensemble(nn.Module):
    """Matchers trained with different seeds, their cosines averaged: one run's reranking gain varies
    with its seed (model card, "Reranking"); their mean varies less."""

    def __init__(self, members):
        super().__init__()
        self.members = nn.ModuleList(members)

    def forward(self, pooled: torch.Tensor, tokens: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        total = torch.zeros(tokens.size(0))
        for member in self.members:
            total = total + member(pooled, tokens, lengths)
        return total / len(self.members)


def ids(caption, index):
    return [index.get(w, UNK) for w in TOKEN.findall(caption.lower())] or [UNK]


def batch(rows):
    lengths = torch.tensor([len(r) for r in rows])
    tokens = torch.zeros(len(rows), int(lengths.max()), dtype=torch.long)
    for i, r in enumerate(rows):
        tokens[i, :len(r)] = torch.tensor(r)
    return tokens, lengths


def pooled(folder, images):
    return torch.tensor(np.stack([
        np.fromfile(os.path.join(folder, image + ".f16"), dtype="<f2").astype(np.float32).reshape(-1, 1280).mean(0)
        for image in images]))


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--features", help="a grid cache's vectors/ folder (<image>.f16)")
    p.add_argument("--data-dir", help="Flickr8k: Flickr8k.token.txt and the split files")
    p.add_argument("--vocabulary", help="the bundle's vocabulary.json")
    p.add_argument("--out", required=True)
    p.add_argument("--epochs", type=int, default=15)
    p.add_argument("--lr", type=float, default=2e-4)
    p.add_argument("--margin", type=float, default=0.2)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--combine", nargs="+", metavar="MATCHING.pt",
                   help="instead of training, write the mean of these trained matchers to --out")
    a = p.parse_args()
    if a.combine:
        members = []
        for f in a.combine:
            trained = Matching(int(torch.jit.load(f).state_dict()["embed.weight"].size(0)))
            trained.load_state_dict(torch.jit.load(f).state_dict())
            members.append(Stored(trained))
        torch.jit.script(Ensemble(members)).save(a.out)
        print("wrote", a.out, "the mean of", len(a.combine), "matchers, stored in float16")
        return
    if not (a.features and a.data_dir and a.vocabulary):
        p.error("training needs --features, --data-dir and --vocabulary")
    torch.manual_seed(a.seed)
    torch.set_num_threads(2)
    words = json.load(open(a.vocabulary))
    index = {w: i for i, w in enumerate(words)}

    def split(name):
        with open(os.path.join(a.data_dir, "Flickr_8k.%sImages.txt" % name)) as f:
            return f.read().split()
    train, dev = split("train"), split("dev")
    captions = {}
    with open(os.path.join(a.data_dir, "Flickr8k.token.txt")) as f:
        for line in f:
            key, text = line.rstrip("\n").split("\t", 1)
            captions.setdefault(key.split("#")[0], []).append(ids(text, index))
    features = pooled(a.features, train)
    model = Matching(len(words))
    opt = torch.optim.Adam(model.parameters(), a.lr)
    rng = np.random.default_rng(a.seed)
    for epoch in range(a.epochs):
        order = rng.permutation(len(train))
        total = 0.0
        for start in range(0, len(order), 128):
            picked = order[start:start + 128]
            tokens, lengths = batch([captions[train[i]][rng.integers(5)] for i in picked])
            s = model.images(features[picked]) @ model.captions(tokens, lengths).T
            d = s.diag().view(-1, 1)
            same = torch.eye(len(picked), dtype=torch.bool)
            to_text = (a.margin + s - d).clamp(min=0).masked_fill(same, 0)
            to_image = (a.margin + s - d.T).clamp(min=0).masked_fill(same, 0)
            # All violations first (the hardest negative alone does not train from random weights).
            hard = epoch >= 3
            loss = (to_text.max(1)[0].sum() + to_image.max(0)[0].sum()) if hard else (to_text.sum() + to_image.sum())
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 2.0)
            opt.step()
            total += loss.item()
        print("epoch %d loss %.1f" % (epoch + 1, total), flush=True)
    model.eval()
    with torch.no_grad():
        q = model.images(pooled(a.features, dev))
        t = model.captions(*batch([captions[image][0] for image in dev]))
        r1 = (torch.argmax(q @ t.T, 1) == torch.arange(len(dev))).float().mean().item()
    print("dev: the photo's own first caption ranked first among the 1,000 dev photos' for %.1f %% of them" % (100 * r1))
    torch.jit.script(model).save(a.out)
    print("wrote", a.out)


if __name__ == "__main__":
    main()
