#!/usr/bin/env python3
"""Derive the words that say what a caption's subject does (verbs and their like) from Flickr8k's
training captions, writing captioner-core/src/main/resources/org/captioner/text/verbs.txt.

  python3 scripts/caption_verbs.py [--data-dir ../shared/datasets/flickr8k] [--out FILE] [--check]

Standard library only. --check rebuilds the list in memory and exits 1 if the file differs.

Why: grounding may hold back the words a Flickr8k decoder wants for its subject (a person, a dog)
in a photo of a laptop. Left to itself the decoder then writes "a black and white is sitting on a
computer". The search (Grounding.required, RequiredWords.before) keeps these words out of a caption
until the photo's best-seen thing is named, so the thing becomes the subject ("a computer is
sitting on a table").

Rule: a word is listed when it occurs at least MIN_COUNT times in the training captions and at
least SHARE of those occurrences directly follow "is" or "are" ("is running", "are sitting",
"is parked"); "is" and "are" themselves are listed; and the simple present of each listed -ing
word, formed by rule (running -> runs, sitting -> sits, riding -> rides, catching -> catches) and
kept where the training captions use it at least MIN_COUNT times, at least SUBJECT_SHARE of them
right after a word for a person or an animal (CHAIR's word lists, chair-objects.tsv), and it names
no object class ("a dog runs"; not "dirt bikes", "on skis", "skateboards"). Without these forms the
decoder went round the rule with "a black shirt sits on a computer". Nouns ending in -ing ("building", "swing",
"railing") almost never follow "is"/"are" and stay out; "wearing" (13 %) mostly follows a noun
("a man wearing a hat") and stays out too. A few adverbs and adjectives pass the rule ("about",
"airborne", "asleep"); they cannot stand before a subject noun either, so they are kept: the list
is the rule's output, not edited by hand.
Tokenisation: lower case, runs of letters (the vocabulary's PTB tokens differ only around
punctuation and digits, which no listed word has).
"""
import argparse
import collections
import os
import sys

from flickr8k_train import train_captions

MIN_COUNT = 5
SHARE = 0.2
# A simple present form is kept where at least this share of its uses follow a word for a person or
# an animal ("a dog runs", "the man sits"): plural nouns seldom do ("dirt bikes", "on skis").
SUBJECT_SHARE = 0.3
# The object classes whose words are subjects (chair-objects.tsv, the CHAIR metric's word lists).
SUBJECT_CLASSES = {"person", "bird", "cat", "dog", "horse", "sheep", "cow", "elephant", "bear", "zebra", "giraffe"}
HEADER = ("# Words that say what a caption's subject does, derived from Flickr8k's training captions by\n"
          "# scripts/caption_verbs.py (a word seen at least %d times, at least %d %% of them right after\n"
          "# \"is\" or \"are\"; the simple present forms of those ending -ing that follow a person or an\n"
          "# animal at least %d %% of the time and name no object; \"is\" and \"are\"). Most frequent first.\n"
          % (MIN_COUNT, round(SHARE * 100), round(SUBJECT_SHARE * 100)))


def chair_words(path):
    """Single words of chair-objects.tsv -> their object class."""
    out = {}
    with open(path) as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            name, words = line.rstrip("\n").split("\t")
            for w in words.split(","):
                if " " not in w.strip():
                    out[w.strip()] = name
    return out


def derive(data_dir, chair_path):
    objects = chair_words(chair_path)
    subjects = {w for w, c in objects.items() if c in SUBJECT_CLASSES}
    words = collections.Counter()
    after_be = collections.Counter()
    after_subject = collections.Counter()
    for tokens in train_captions(data_dir):
        words.update(tokens)
        for before, word in zip(tokens, tokens[1:]):
            if before in ("is", "are"):
                after_be[word] += 1
            if before in subjects:
                after_subject[word] += 1
    listed = {w for w, n in words.items() if n >= MIN_COUNT and after_be[w] / n >= SHARE}
    # The same verbs in the simple present ("sits", "runs", "rides", "catches"), which follow no "is".
    present = set()
    for w in listed:
        if not w.endswith("ing") or len(w) < 5:
            continue
        stem = w[:-3]
        forms = {stem + "s", stem + "es"}  # sits (doubled below), runs; rides (rid+es), catches (catch+es)
        if len(stem) > 2 and stem[-1] == stem[-2]:
            forms.add(stem[:-1] + "s")
        forms.discard(stem)  # crossing -> "cross", not a third-person form
        present |= {f for f in forms if words[f] >= MIN_COUNT and f not in objects
                    and after_subject[f] / words[f] >= SUBJECT_SHARE}
    listed = sorted(listed | present | {"is", "are"}, key=lambda w: (-words[w], w))
    return HEADER + "".join(w + "\n" for w in listed)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", default=os.path.join(here, "..", "..", "shared", "datasets", "flickr8k"))
    parser.add_argument("--out", default=os.path.join(here, "..", "captioner-core", "src", "main", "resources",
                                                      "org", "captioner", "text", "verbs.txt"))
    parser.add_argument("--chair", default=os.path.join(here, "..", "captioner-core", "src", "main", "resources",
                                                        "org", "captioner", "metrics", "chair-objects.tsv"))
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    text = derive(args.data_dir, args.chair)
    if args.check:
        with open(args.out) as f:
            same = f.read() == text
        print("verbs.txt is " + ("up to date" if same else "stale or edited"))
        sys.exit(0 if same else 1)
    with open(args.out, "w") as f:
        f.write(text)
    print("wrote %d words to %s" % (len(text.splitlines()) - 3, args.out))


if __name__ == "__main__":
    main()
