#!/usr/bin/env python3
"""PyTorch peer for `./captioner bench`: the same work as captioner, in Python, on the same inputs.

Meant for Debian's python3-torch (1.13) with OpenBLAS (apt install python3-torch libopenblas0-pthread).
Debian builds torch with BLAS_INFO=generic, so every matrix product goes through libblas.so.3: that is
netlib's reference BLAS (about a tenth of OpenBLAS's speed here) unless OpenBLAS is installed and
update-alternatives points libblas.so.3 at it. The peer therefore reports the BLAS library actually
loaded in its process and the speed of one matrix product, and the bench refuses a reference-BLAS peer.

  /usr/bin/python3 bench/peer.py --config-only [--threads 2]
  /usr/bin/python3 bench/peer.py --encoder ENC.pt --images LIST.txt --vocab V [--weights DIR]
      [--decoders N] [--attention A] [--length-penalty A] [--max-length 20] [--threads 2] [--reps 3]

Prints one JSON object: the configuration (torch version and build, BLAS, threads, matmul GFLOP/s)
and, unless --config-only, the figures. The decoder is captioner's ensemble: N decoders of
embedding -> LSTM (state from tanh(W f)) -> linear over V words, or with --attention (or an attending
bundle's weights) Show-Attend-and-Tell decoders that read each image's 7x7 grid, whose next-word
log-probabilities are averaged as captioner averages them. With --weights (written by the bench) they are the bundle's own
trained weights, so beam search stops after as many words as captioner's does; without, random
weights of the default sizes (captions then run to --max-length, which flatters captioner).
"""
import argparse
import json
import os
import re
import statistics
import sys
import time

# The shape of the matrix-product check, [M, K] x [K, N]; the bench measures the same in captioner.
MATMUL = (1280, 512, 2048)
MATMUL_REPS = 5
# Captioner's vocabulary ids (org.captioner.text.Vocabulary) and the words its search never emits.
START, END = 1, 2
BANNED = [0, 1, 3]  # <pad>, <start>, <unk>


def arguments():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--config-only", action="store_true", help="print the configuration and matmul speed only")
    ap.add_argument("--encoder", help="TorchScript encoder (the bundle's)")
    ap.add_argument("--images", help="a text file listing image paths")
    ap.add_argument("--vocab", type=int, help="vocabulary size for the training step")
    ap.add_argument("--weights", help="folder with index.json + weights.f32: the bundle's decoders, from the bench")
    ap.add_argument("--decoders", type=int, default=1, help="decoders in the ensemble (default 1)")
    ap.add_argument("--length-penalty", type=float, default=0.0, help="alpha of score = logprob / length**alpha")
    ap.add_argument("--max-length", type=int, default=20, help="most words per caption (default 20)")
    ap.add_argument("--beam", type=int, default=3, help="beam width of the end-to-end run (default 3)")
    ap.add_argument("--search-batch", type=int, default=8,
                    help="images per beam search call in the end-to-end run (captioner's batch size; default 8)")
    ap.add_argument("--block-trigrams", action="store_true",
                    help="never extend a caption with a word trigram it already holds, nor with its last word"
                         " again, as captioner's search does")
    ap.add_argument("--attention", type=int, default=0,
                    help="the bundle's decoders attend to regions with this width (0, the default: Show-and-Tell):"
                         " the kind of the random decoders without --weights, and of the one trained")
    ap.add_argument("--regions", type=int, default=49, help="regions per image for the training step with --attention")
    ap.add_argument("--threads", type=int, default=2, help="intra-op and OpenBLAS threads (default 2)")
    ap.add_argument("--reps", type=int, default=3, help="timed repetitions after one warm-up (default 3)")
    args = ap.parse_args()
    if not args.config_only and not (args.encoder and args.images and args.vocab):
        ap.error("--encoder, --images and --vocab are needed unless --config-only")
    return args


ARGS = arguments() if __name__ == "__main__" else None
if ARGS is not None:
    # OpenBLAS sizes its thread pool once, when torch loads it, and a BLAS_INFO=generic torch never
    # resizes it: the count has to be in the environment before the import. OPENBLAS_CORETYPE is left
    # as the caller sets it: the bench tries the environment's, OpenBLAS's own detection and a few
    # kernel sets, and replaces the environment's only with one whose products are correct
    # (blas_correct) and that is at least 10 % faster.
    os.environ["OPENBLAS_NUM_THREADS"] = str(ARGS.threads)
    # Torch's OpenMP workers and OpenBLAS's pthreads are two pools on the same cores, and idle OpenMP
    # workers spin: on 2 cores they starve OpenBLAS between small products. Waiting passively made
    # 3-decoder beam search 4-10x and the encoder and training step 3-4x faster on a busy 2-core
    # machine. An OMP_WAIT_POLICY set in the environment wins.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import torch  # noqa: E402  (after the thread settings above)
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from PIL import Image  # noqa: E402

MEAN = torch.tensor([0.485, 0.456, 0.406]).view(3, 1, 1)
STD = torch.tensor([0.229, 0.224, 0.225]).view(3, 1, 1)


# ---------------------------------------------------------------- configuration

BLAS_FILE = re.compile(r"^lib(openblas|blas|cblas|blis|mkl_rt|mkl_core|satlas|tatlas)[^/]*\.so")
OPTIMIZED = ("OpenBLAS", "BLIS", "MKL")


def loaded_blas():
    """Real paths of the BLAS libraries mapped into this process: what torch really calls."""
    found = []
    with open("/proc/self/maps") as maps:
        for line in maps:
            fields = line.split(None, 5)
            path = fields[5].strip() if len(fields) == 6 else ""
            if path.startswith("/") and BLAS_FILE.match(os.path.basename(path)):
                # The alternatives symlink (libblas.so.3) resolves into the implementation's folder.
                real = os.path.realpath(path)
                if real not in found:
                    found.append(real)
    return found


def blas_kind(libraries, build):
    """OpenBLAS, BLIS, MKL or ATLAS by file name; 'reference' for netlib's libblas; else 'unknown'."""
    names = " ".join(libraries).lower()
    for kind, key in (("OpenBLAS", "openblas"), ("BLIS", "blis"), ("MKL", "mkl"), ("ATLAS", "atlas")):
        if key in names:
            return kind
    if any(os.path.basename(p).startswith("libblas") for p in libraries):
        return "reference"
    # PyPI wheels link MKL statically: no library to see, but the build says so.
    return "MKL" if "BLAS_INFO=mkl" in build else "unknown"


def build_summary(show, parallel):
    """The lines of torch's build and parallel configuration that bear on matrix-product speed."""
    settings = dict(re.findall(r"\b(BLAS_INFO|LAPACK_INFO|USE_OPENMP|USE_MKLDNN|USE_MKL)=([^,\s]+)", show))
    lines = [" ".join(f"{k}={v}" for k, v in settings.items())]
    for pattern, text in ((r"CPU capability usage: \S+", show), (r"ATen parallel backend: .+", parallel),
                          (r"at::get_num_threads\(\) : \d+", parallel)):
        m = re.search(pattern, text)
        if m:
            lines.append(m.group(0).strip())
    return lines


def matmul_gflops():
    """GFLOP/s of one fp32 [M,K]x[K,N] product, best of MATMUL_REPS after a warm-up."""
    m, k, n = MATMUL
    a, b = torch.randn(m, k), torch.randn(k, n)
    best, _ = timed(lambda: a @ b, MATMUL_REPS)
    return 2.0 * m * k * n / best / 1e9


def blas_correct():
    """Whether the BLAS's products (matrix and matrix-vector, float32) agree with float64 ones: a
    kernel set chosen by OPENBLAS_CORETYPE that this CPU runs wrongly must not win on speed."""
    torch.manual_seed(1)
    m, k, n = MATMUL
    a, b, v = torch.randn(m, k), torch.randn(k, n), torch.randn(k)
    return bool(torch.allclose(a @ b, (a.double() @ b.double()).float(), rtol=1e-4, atol=1e-3)
                and torch.allclose(a @ v, (a.double() @ v.double()).float(), rtol=1e-4, atol=1e-3))


def configuration():
    show, parallel = torch.__config__.show(), torch.__config__.parallel_info()
    gflops = matmul_gflops()  # after a product, so the BLAS is surely loaded
    libraries = loaded_blas()
    kind = blas_kind(libraries, show)
    return {
        "python": sys.version.split()[0], "torch": torch.__version__, "threads": torch.get_num_threads(),
        "openblas_num_threads": os.environ.get("OPENBLAS_NUM_THREADS"),
        "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY"),
        "openblas_coretype": os.environ.get("OPENBLAS_CORETYPE"),
        "blas": {"kind": kind, "optimized": kind in OPTIMIZED, "libraries": libraries},
        "build": build_summary(show, parallel), "config": show, "parallel_info": parallel,
        "matmul": {"shape": list(MATMUL), "reps": MATMUL_REPS, "gflops": gflops, "correct": blas_correct()},
    }


# ---------------------------------------------------------------- model

def load(path, size=224):
    img = Image.open(path).convert("RGB")
    t = torch.frombuffer(bytearray(img.tobytes()), dtype=torch.uint8).view(img.height, img.width, 3)
    t = t.permute(2, 0, 1).float().unsqueeze(0) / 255.0
    if img.width != size or img.height != size:
        t = F.interpolate(t, size=(size, size), mode="bilinear", align_corners=False, antialias=True)
    return ((t[0] - MEAN) / STD)


class Decoder(nn.Module):
    """Captioner's CaptionDecoder; parameter names are those the bench's weight export uses."""

    def __init__(self, vocab, feat=1280, embed=512, hidden=512, layers=1):
        super().__init__()
        self.layers = layers
        self.embed = nn.Embedding(vocab, embed)
        self.init_h = nn.Linear(feat, layers * hidden)
        self.init_c = nn.Linear(feat, layers * hidden)
        self.lstm = nn.LSTM(embed, hidden, num_layers=layers, batch_first=True, dropout=0.5 if layers > 1 else 0)
        self.drop = nn.Dropout(0.5)
        self.out = nn.Linear(hidden, vocab)

    def state(self, f):
        def init(linear):
            return torch.tanh(linear(f)).view(f.shape[0], self.layers, -1).transpose(0, 1).contiguous()
        return init(self.init_h), init(self.init_c)

    def forward(self, f, tokens):
        h, c = self.state(f)
        y, _ = self.lstm(self.drop(self.embed(tokens)), (h, c))
        return self.out(self.drop(y))

    # Search: a state per image row; `feats` are pooled [N, F] (or grids [N, R, F], pooled here).
    def start(self, feats):
        return self.state(feats.mean(1) if feats.dim() == 3 else feats)

    def step(self, tokens, state):
        y, state = self.lstm(self.embed(tokens).unsqueeze(1), state)
        return F.log_softmax(self.out(y[:, 0]), dim=-1), state

    @staticmethod
    def select(state, rows):
        return tuple(s[:, rows] for s in state)

    def loss(self, feats, tokens):
        """Training loss on captions `tokens` [B, T+1]: cross-entropy of each next word."""
        logits = self(feats, tokens[:, :-1])
        return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), tokens[:, 1:].reshape(-1))


class AttentionDecoder(nn.Module):
    """Captioner's AttentionDecoder (Show, Attend and Tell): h0, c0 from the mean region; each step
    scores the R regions with additive attention from h, gates the context with sigmoid(W h) and
    feeds [word; context] to an LSTM cell. Parameter names are those of AttentionDecoder.weights()."""

    def __init__(self, vocab, feat=1280, embed=512, hidden=512, attention=512, dropout=0.5):
        super().__init__()
        self.embed = nn.Embedding(vocab, embed)
        self.init_h = nn.Linear(feat, hidden)
        self.init_c = nn.Linear(feat, hidden)
        self.att_regions = nn.Linear(feat, attention)
        self.att_state = nn.Linear(hidden, attention)
        self.att_score = nn.Linear(attention, 1)
        self.gate = nn.Linear(hidden, feat)
        self.lstm_i2h = nn.Linear(embed + feat, 4 * hidden)
        self.lstm_h2h = nn.Linear(hidden, 4 * hidden)
        self.drop = nn.Dropout(dropout)
        self.output = nn.Linear(hidden, vocab)

    def start(self, regions):
        mean = regions.mean(1)
        return torch.tanh(self.init_h(mean)), torch.tanh(self.init_c(mean)), regions, self.att_regions(regions)

    def cell(self, word, state):
        h, c, regions, keys = state
        energy = self.att_score(F.relu(keys + self.att_state(h).unsqueeze(1))).squeeze(2)
        alpha = F.softmax(energy, dim=1)
        context = torch.bmm(alpha.unsqueeze(1), regions).squeeze(1)
        gates = self.lstm_i2h(torch.cat([word, torch.sigmoid(self.gate(h)) * context], 1)) + self.lstm_h2h(h)
        i, f, g, o = gates.chunk(4, 1)
        c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
        h = torch.sigmoid(o) * torch.tanh(c)
        return self.output(self.drop(h)), (h, c, regions, keys), alpha

    def step(self, tokens, state):
        logits, state, _ = self.cell(self.embed(tokens), state)
        return F.log_softmax(logits, dim=-1), state

    @staticmethod
    def select(state, rows):
        return tuple(s[rows] for s in state)

    def loss(self, regions, tokens):
        """Cross-entropy plus the doubly stochastic penalty (lambda 1), as captioner's CrossEntropyObjective."""
        state = self.start(regions)
        words = self.drop(self.embed(tokens[:, :-1]))
        logits, alphas = [], []
        for t in range(words.shape[1]):
            out, state, alpha = self.cell(words[:, t], state)
            logits.append(out)
            alphas.append(alpha)
        logits = torch.stack(logits, 1)
        penalty = ((1 - torch.stack(alphas, 1).sum(1)) ** 2).mean()
        return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), tokens[:, 1:].reshape(-1)) + penalty


class Ensemble:
    """Decoders searched as one, as captioner's StackedDecoders: the next-word log-probabilities are
    the mean of the members' log-softmax, renormalised by another log-softmax (one member: its own)."""

    def __init__(self, decoders):
        self.decoders = decoders
        # Attention decoders read each image's whole grid; Show-and-Tell ones its mean.
        self.grids = any(isinstance(d, AttentionDecoder) for d in decoders)

    def start(self, feats):
        return [d.start(feats) for d in self.decoders]

    def step(self, tokens, states):
        out = [d.step(tokens, s) for d, s in zip(self.decoders, states)]
        log_probs = [lp for lp, _ in out]
        mean = log_probs[0] if len(out) == 1 else F.log_softmax(torch.stack(log_probs).mean(0), dim=-1)
        return mean, [s for _, s in out]

    def select(self, states, rows):
        return [d.select(s, rows) for d, s in zip(self.decoders, states)]

    def features(self, encoded):
        """The encoder's [N, C, H, W] output as the decoders read it: grids [N, H*W, C] region by
        region (as captioner's FeatureTranslator lays them out), or the pooled [N, C]."""
        return encoded.flatten(2).transpose(1, 2).contiguous() if self.grids else encoded.mean(dim=(2, 3))


def trained_decoders(folder, count):
    """The bundle's decoders as the bench exported them: index.json names each member's sizes and
    tensors (offset and shape in weights.f32, little-endian float32)."""
    with open(os.path.join(folder, "index.json")) as f:
        members = json.load(f)["members"]
    if len(members) != count:
        raise SystemExit(f"--weights holds {len(members)} decoders but --decoders says {count}")
    with open(os.path.join(folder, "weights.f32"), "rb") as f:
        data = torch.frombuffer(bytearray(f.read()), dtype=torch.float32)
    decoders = []
    for m in members:
        c = m["config"]
        d = (AttentionDecoder(c["vocabSize"], c["featureSize"], c["embedSize"], c["hiddenSize"], c["attentionSize"],
                              c["dropout"])
             if c.get("attentionSize", 0) > 0
             else Decoder(c["vocabSize"], c["featureSize"], c["embedSize"], c["hiddenSize"], c["numLayers"]))
        d.load_state_dict({name: data[t["offset"]:t["offset"] + shape_size(t["shape"])].view(t["shape"])
                           for name, t in m["tensors"].items()})  # strict: every name and shape must match
        decoders.append(d.eval())
    return decoders


def shape_size(shape):
    size = 1
    for s in shape:
        size *= s
    return size


# ---------------------------------------------------------------- search

@torch.no_grad()
def beam_search(model, feats, width, alpha, max_len, block=False):
    """Captioner's BeamSearch, batched over images and beams: each step expands every live beam of
    every image in one model call; an image's `width` best continuations survive, those ending in
    <end> among its `width` best finish, and it stops once its best finished caption cannot be
    beaten by any live beam (bound: best live logprob / max_len**alpha), as BeamSearch.settled does
    for n-best 1. Captions are ranked by logprob / length**alpha (length counts <end>). Returns each
    image's best word list."""
    n = feats.shape[0]
    states = model.start(feats)
    live = [[([], 0.0)] for _ in range(n)]  # per image: (words, logprob) of its live beams, in row order
    finished = [[] for _ in range(n)]       # per image: (score, words)
    tokens = torch.full((n,), START, dtype=torch.long)
    for _ in range(max_len):
        log_probs, states = model.step(tokens, states)
        log_probs[:, BANNED] = float("-inf")
        # An image's best 2*width expansions are among the best 2*width allowed words of each of its
        # beams; with blocking, up to max_len - 2 more are asked for, as a beam's last two words can
        # recur that often, each blocking one word, and one more for its last word, which blocks itself
        # (BeamSearch does the same).
        per_beam = 2 * width
        ask = min(per_beam + (max(0, max_len - 2) + 1 if block else 0), log_probs.shape[1] - len(BANNED))
        top_lp, top_words = (t.tolist() for t in log_probs.topk(ask, dim=1))
        rows, words, row = [], [], 0
        for i in range(n):
            beams = live[i]
            live[i] = expand(beams, row, top_lp, top_words, width, alpha, max_len, finished[i], rows, words, block,
                             per_beam)
            row += len(beams)
        if not rows:
            break
        states = model.select(states, torch.tensor(rows))
        tokens = torch.tensor(words)
    return [best(finished[i], live[i], alpha) for i in range(n)]


def expand(beams, first_row, top_lp, top_words, width, alpha, max_len, finished, rows, words, block=False,
           per_beam=None):
    """One image's step: returns its surviving beams, appending their rows and last words (the next
    model call's input) to `rows` and `words`, and its newly finished captions to `finished`. Each
    beam offers its best `per_beam` allowed words (its words arrive best first)."""
    if not beams:
        return []
    per_beam = per_beam or 2 * width
    offered = []
    for b, (beam_words, logprob) in enumerate(beams):
        allowed = [(logprob + lp, first_row + b, w)
                   for lp, w in zip(top_lp[first_row + b], top_words[first_row + b])
                   if not (block and repeats(beam_words, w))]
        offered.extend(allowed[:per_beam])
    candidates = sorted(offered, key=lambda c: (-c[0], c[1], c[2]))[:2 * width]
    survivors, picked = [], []
    for rank, (total, row, word) in enumerate(candidates):
        if len(survivors) == width:
            break
        parent = beams[row - first_row][0]
        if word == END:
            if rank < width:
                finished.append((score(total, len(parent) + 1, alpha), parent))
            continue
        survivors.append((parent + [word], total))
        picked.append((row, word))
    if survivors and finished and score(survivors[0][1], max_len, alpha) <= max(f[0] for f in finished):
        return []  # no live beam can still beat the best finished caption: the image is done
    rows.extend(r for r, _ in picked)
    words.extend(w for _, w in picked)
    return survivors


def repeats(words, word):
    """Whether appending `word` to `words` repeats its last word or makes a word trigram that `words`
    already holds (captioner's BeamSearch.repeats)."""
    if words and words[-1] == word:
        return True
    if len(words) < 2:
        return False
    last = (words[-2], words[-1], word)
    return any(tuple(words[i:i + 3]) == last for i in range(len(words) - 2))


def score(logprob, length, alpha):
    """Captioner's ranking score (SearchSettings.score)."""
    return logprob if alpha == 0 or length == 0 else logprob / length ** alpha


def best(finished, live, alpha):
    """The best-scoring caption: finished ones first, then live beams cut at the length limit."""
    everything = finished + [(score(lp, len(words), alpha), words) for words, lp in live]
    return max(everything, key=lambda c: c[0])[1]


# ---------------------------------------------------------------- measurements

def timed(fn, reps):
    """Best and median seconds of `reps` calls after one warm-up call."""
    fn()
    out = []
    for _ in range(reps):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return min(out), statistics.median(out)


def measure_encoder(enc, tensors, reps, result):
    @torch.no_grad()
    def encode(batch):
        for i in range(0, len(tensors), batch):
            enc(torch.stack(tensors[i:i + batch])).mean(dim=(2, 3))

    for b in (1, 8, 32):
        mn, md = timed(lambda: encode(b), reps)
        result[f"encoder_b{b}_ips"] = {"min_s": mn, "median_s": md, "best_ips": len(tensors) / mn,
                                       "median_ips": len(tensors) / md}


def measure_decode(model, feats, args, result):
    """Searching cached features in batches of 8, as captioner's bench does (with --block-trigrams as given)."""
    for name, k in (("greedy", 1), ("beam3", 3)):
        captions = []

        def decode():
            captions[:] = [c for i in range(0, len(feats), 8)
                           for c in beam_search(model, feats[i:i + 8], k, args.length_penalty, args.max_length,
                                                args.block_trigrams)]
        mn, md = timed(decode, args.reps)
        result[f"decode_{name}_ms_per_image"] = {"min": 1000 * mn / len(feats), "median": 1000 * md / len(feats)}
        result[f"decode_{name}_mean_words"] = statistics.mean(len(c) for c in captions)


def measure_end_to_end(enc, model, paths, args, result):
    """Photo files to captions at --beam (with --block-trigrams as given), the encoder called at its
    fastest batch of the three measured, searching --search-batch images at a time (captioner's)."""
    batch = max((1, 8, 32), key=lambda b: result[f"encoder_b{b}_ips"]["best_ips"])

    @torch.no_grad()
    def end_to_end():
        for i in range(0, len(paths), args.search_batch):
            group = paths[i:i + args.search_batch]
            feats = torch.cat([model.features(enc(torch.stack([load(p) for p in group[j:j + batch]])))
                               for j in range(0, len(group), batch)])
            beam_search(model, feats, args.beam, args.length_penalty, args.max_length, args.block_trigrams)
    mn, md = timed(end_to_end, args.reps)
    result["end_to_end_ips"] = {"best": len(paths) / mn, "median": len(paths) / md, "beam": args.beam,
                                "block_trigrams": args.block_trigrams, "encoder_batch": batch,
                                "search_batch": args.search_batch}


def measure_train_step(vocab, attention, regions, reps, result):
    """One decoder of the bundle's kind (as captioner's bench trains), batch 64, 20 words, Adam with
    clipping; timed over as many steps as captioner's, max(5, 2*reps - 1), after one warm-up step."""
    if attention > 0:
        train_dec = AttentionDecoder(vocab, attention=attention).train()
        f = torch.rand(64, regions, 1280)
    else:
        train_dec = Decoder(vocab).train()
        f = torch.rand(64, 1280)
    opt = torch.optim.Adam(train_dec.parameters(), lr=4e-4)
    # <start>, 20 words, <end>: 21 steps in and 21 targets, as captioner's captions of 20 words give.
    tok = torch.randint(4, vocab, (64, 22))

    def train_step():
        opt.zero_grad()
        loss = train_dec.loss(f, tok)
        loss.backward()
        nn.utils.clip_grad_norm_(train_dec.parameters(), 5.0)
        opt.step()
    train_step()
    steps = []
    for _ in range(max(5, 2 * reps - 1)):
        t = time.perf_counter()
        train_step()
        steps.append(time.perf_counter() - t)
    result["train_step_ms"] = {"min": 1000 * min(steps), "median": 1000 * statistics.median(steps)}


def main(args):
    torch.set_num_threads(args.threads)
    result = configuration()
    if args.config_only:
        print(json.dumps(result))
        return
    paths = [line.strip() for line in open(args.images) if line.strip()]
    enc = torch.jit.load(args.encoder).eval()
    torch.manual_seed(0)
    decoders = (trained_decoders(args.weights, args.decoders) if args.weights
                else [(AttentionDecoder(args.vocab, attention=args.attention) if args.attention else Decoder(args.vocab))
                      .eval() for _ in range(args.decoders)])
    model = Ensemble(decoders)
    result.update({"images": len(paths), "decoders": len(decoders), "weights": "bundle" if args.weights else "random",
                   "length_penalty": args.length_penalty, "max_length": args.max_length})

    tensors = [load(p) for p in paths]
    measure_encoder(enc, tensors, args.reps, result)
    with torch.no_grad():
        feats = torch.cat([model.features(enc(torch.stack(tensors[i:i + 8]))) for i in range(0, len(tensors), 8)])
    measure_decode(model, feats, args, result)
    measure_end_to_end(enc, model, paths, args, result)
    measure_train_step(args.vocab, args.attention, args.regions, args.reps, result)
    print(json.dumps(result))


if __name__ == "__main__":
    main(ARGS)
