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
kept where the training captions use it at least MIN_COUNT times and at least half of those times
after a word not in BEFORE_NOUNS ("a dog runs", not "his hands"; without them the
decoder went round the rule with "a black shirt sits on a computer"). Nouns ending in -ing ("building", "swing",
"railing") almost never follow "is"/"are" and stay out; "wearing" (13 %) mostly follows a noun
("a man wearing a hat") and stays out too. A few adverbs and adjectives pass the rule ("about",
"airborne", "asleep"); they cannot stand before a subject noun either, so they are kept: the list
is the rule's output, not edited by hand.
Tokenisation as the vocabulary's: lower case, runs of letters.
"""
import argparse
import collections
import os
import re
import sys

MIN_COUNT = 5
SHARE = 0.2
# Words that stand before a noun, not before a verb: a simple present form that mostly follows one
# of them is a plural noun ("his hands", "on skis", "two bikes"), not a verb ("a dog runs").
BEFORE_NOUNS = {"a", "an", "the", "two", "three", "four", "several", "many", "some", "his", "her", "their", "its",
                "of", "on", "in", "with", "and"}
NOUN_SHARE = 0.5
HEADER = ("# Words that say what a caption's subject does, derived from Flickr8k's training captions by\n"
          "# scripts/caption_verbs.py (a word seen at least %d times, at least %d %% of them right after\n"
          "# \"is\" or \"are\"; and those two). Most frequent first.\n" % (MIN_COUNT, round(SHARE * 100)))


def derive(data_dir):
    with open(os.path.join(data_dir, "Flickr_8k.trainImages.txt")) as f:
        train = set(f.read().split())
    words = collections.Counter()
    after_be = collections.Counter()
    after_noun_word = collections.Counter()
    with open(os.path.join(data_dir, "Flickr8k.token.txt")) as f:
        for line in f:
            key, caption = line.rstrip("\n").split("\t", 1)
            if key.split("#")[0] not in train:
                continue
            tokens = re.findall(r"[a-z]+", caption.lower())
            words.update(tokens)
            for before, word in zip(tokens, tokens[1:]):
                if before in ("is", "are"):
                    after_be[word] += 1
                if before not in BEFORE_NOUNS:
                    after_noun_word[word] += 1
    listed = {w for w, n in words.items() if n >= MIN_COUNT and after_be[w] / n >= SHARE}
    # The same verbs in the simple present ("sits", "runs", "rides", "catches"), which follow no "is".
    present = set()
    for w in listed:
        if not w.endswith("ing") or len(w) < 5:
            continue
        stem = w[:-3]
        forms = {stem + "s", stem + "es", stem + "e" + "s"}
        if len(stem) > 2 and stem[-1] == stem[-2]:
            forms.add(stem[:-1] + "s")
        forms.discard(stem)
        present |= {f for f in forms if words[f] >= MIN_COUNT and after_noun_word[f] / words[f] >= NOUN_SHARE}
    listed = sorted(listed | present | {"is", "are"}, key=lambda w: (-words[w], w))
    return HEADER + "".join(w + "\n" for w in listed)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", default=os.path.join(here, "..", "..", "shared", "datasets", "flickr8k"))
    parser.add_argument("--out", default=os.path.join(here, "..", "captioner-core", "src", "main", "resources",
                                                      "org", "captioner", "text", "verbs.txt"))
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    text = derive(args.data_dir)
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
