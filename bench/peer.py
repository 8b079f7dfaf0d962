#!/usr/bin/env python3
"""PyTorch peer for `./captioner bench`: the same work as captioner, in Python, on the same inputs.

Run with Debian's python3-torch (1.13) at 2 threads. Prints one JSON object with its figures.
  /usr/bin/python3 bench/peer.py --encoder ENC.pt --images LIST.txt --vocab V [--reps 3]
Decoder: embedding E=512 -> LSTM H=512 (state from tanh(W f)) -> linear over V words, the shapes of
captioner's default decoder, with random weights (speed does not depend on their values).
"""
import argparse
import json
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F
from PIL import Image

torch.set_num_threads(2)
MEAN = torch.tensor([0.485, 0.456, 0.406]).view(3, 1, 1)
STD = torch.tensor([0.229, 0.224, 0.225]).view(3, 1, 1)


def load(path, size=224):
    img = Image.open(path).convert("RGB")
    t = torch.frombuffer(bytearray(img.tobytes()), dtype=torch.uint8).view(img.height, img.width, 3)
    t = t.permute(2, 0, 1).float().unsqueeze(0) / 255.0
    if img.width != size or img.height != size:
        t = F.interpolate(t, size=(size, size), mode="bilinear", align_corners=False, antialias=True)
    return ((t[0] - MEAN) / STD)


class Decoder(nn.Module):
    def __init__(self, vocab, feat=1280, embed=512, hidden=512):
        super().__init__()
        self.embed = nn.Embedding(vocab, embed)
        self.init_h = nn.Linear(feat, hidden)
        self.init_c = nn.Linear(feat, hidden)
        self.lstm = nn.LSTM(embed, hidden, batch_first=True)
        self.drop = nn.Dropout(0.5)
        self.out = nn.Linear(hidden, vocab)

    def state(self, f):
        return torch.tanh(self.init_h(f)).unsqueeze(0), torch.tanh(self.init_c(f)).unsqueeze(0)

    def forward(self, f, tokens):
        h, c = self.state(f)
        y, _ = self.lstm(self.drop(self.embed(tokens)), (h, c))
        return self.out(self.drop(y))

    def step(self, tokens, h, c):
        y, (h, c) = self.lstm(self.embed(tokens).unsqueeze(1), (h, c))
        return F.log_softmax(self.out(y[:, 0]), dim=-1), h, c


@torch.no_grad()
def beam_search(dec, feats, k, max_len=20, start=1, end=2):
    """Batched over images and beams; returns the best word list per image."""
    n = feats.shape[0]
    h, c = dec.state(feats)
    h, c = h.repeat_interleave(k, 1), c.repeat_interleave(k, 1)
    scores = torch.full((n, k), float("-inf"))
    scores[:, 0] = 0
    tokens = torch.full((n * k,), start, dtype=torch.long)
    seqs = [[[] for _ in range(k)] for _ in range(n)]
    done = [[] for _ in range(n)]
    for _ in range(max_len):
        lp, h, c = dec.step(tokens, h, c)
        v = lp.shape[1]
        lp[:, 0] = float("-inf"); lp[:, 1] = float("-inf"); lp[:, 3] = float("-inf")
        total = (scores.view(-1, 1) + lp).view(n, k * v)
        top, idx = total.topk(k, dim=1)
        beam, word = idx // v, idx % v
        rows = (torch.arange(n).unsqueeze(1) * k + beam).view(-1)
        h, c = h[:, rows], c[:, rows]
        new = [[None] * k for _ in range(n)]
        for i in range(n):
            for j in range(k):
                s = seqs[i][beam[i, j]] + [int(word[i, j])]
                new[i][j] = s
                if word[i, j] == end:
                    done[i].append((float(top[i, j]), s))
                    top[i, j] = float("-inf")
        seqs, scores, tokens = new, top, word.view(-1)
        if all(len(d) >= k for d in done):
            break
    return [max(d)[1] if d else seqs[i][0] for i, d in enumerate(done)]


def timed(fn, reps):
    fn()  # warm-up
    out = []
    for _ in range(reps):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return min(out), statistics.median(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--encoder", required=True)
    ap.add_argument("--images", required=True, help="a text file listing image paths")
    ap.add_argument("--vocab", type=int, required=True)
    ap.add_argument("--reps", type=int, default=3)
    args = ap.parse_args()
    paths = [l.strip() for l in open(args.images) if l.strip()]
    enc = torch.jit.load(args.encoder).eval()
    torch.manual_seed(0)
    dec = Decoder(args.vocab).eval()
    result = {"threads": torch.get_num_threads(), "torch": torch.__version__, "images": len(paths)}

    tensors = [load(p) for p in paths]

    @torch.no_grad()
    def encode(batch):
        for i in range(0, len(tensors), batch):
            x = torch.stack(tensors[i:i + batch])
            enc(x).mean(dim=(2, 3))

    for b in (1, 8, 32):
        mn, md = timed(lambda: encode(b), args.reps)
        result[f"encoder_b{b}_ips"] = {"min_s": mn, "median_s": md, "best_ips": len(paths) / mn,
                                       "median_ips": len(paths) / md}

    with torch.no_grad():
        feats = torch.cat([enc(torch.stack(tensors[i:i + 8])).mean(dim=(2, 3)) for i in range(0, len(tensors), 8)])
    for name, k in (("greedy", 1), ("beam3", 3)):
        mn, md = timed(lambda: [beam_search(dec, feats[i:i + 8], k) for i in range(0, len(feats), 8)], args.reps)
        result[f"decode_{name}_ms_per_image"] = {"min": 1000 * mn / len(paths), "median": 1000 * md / len(paths)}

    @torch.no_grad()
    def end_to_end():
        for i in range(0, len(paths), 8):
            x = torch.stack([load(p) for p in paths[i:i + 8]])
            beam_search(dec, enc(x).mean(dim=(2, 3)), 3)
    mn, md = timed(end_to_end, args.reps)
    result["end_to_end_beam3_ips"] = {"best": len(paths) / mn, "median": len(paths) / md}

    train_dec = Decoder(args.vocab).train()
    opt = torch.optim.Adam(train_dec.parameters(), lr=4e-4)
    f = torch.randn(64, 1280)
    tok = torch.randint(4, args.vocab, (64, 21))

    def train_step():
        opt.zero_grad()
        logits = train_dec(f, tok[:, :-1])
        loss = F.cross_entropy(logits.reshape(-1, args.vocab), tok[:, 1:].reshape(-1))
        loss.backward()
        nn.utils.clip_grad_norm_(train_dec.parameters(), 5.0)
        opt.step()
    steps = []
    train_step()
    for _ in range(max(5, args.reps * 3)):
        t = time.perf_counter()
        train_step()
        steps.append(time.perf_counter() - t)
    result["train_step_ms"] = {"min": 1000 * min(steps), "median": 1000 * statistics.median(steps)}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
