#!/usr/bin/env python3
"""Derive, from Flickr8k's training captions, how captions end after an article, writing two lists
to captioner-core/src/main/resources/org/captioner/text/: bare-endings.txt, the words a caption
ends on without "a" or "an", and dangling-words.txt, the words no caption ends on after an article.

  python3 scripts/article_endings.py [--data-dir ../shared/datasets/flickr8k] [--check]

Standard library only. --check rebuilds both lists in memory and exits 1 if a file differs.

bare-endings.txt

Why: a search steered to name a thing (grounding's required words) can reach it through an article
the decoder had already written: "a man is playing a tennis", "a brown dog is running on a dirt".
People write "playing tennis" and "on dirt". The captioner drops "a"/"an" before such a word at the
end of a caption (org.captioner.text.Articles.dropBeforeBareEnding).

Rule: a word is listed when, in the training captions, it follows "a" or "an" at least MIN_COUNT
times and ends the caption there less than ARTICLE_END of the time ("a tennis" goes on: "a tennis
ball"), and follows a verb (verbs.txt, itself derived from these captions by caption_verbs.py) or one
of PREPOSITIONS at least MIN_COUNT times and ends the caption there at least BARE_END of the time
("playing tennis.", "in snow."). Words after "the" or a possessive are not counted ("on the sand",
"on his back"), nor after "is" and "are", and no verb of verbs.txt is listed: a caption ends on a
verb there, not on a noun without an article ("is smiling."; else "holding a smiling" would
become "holding smiling").

dangling-words.txt
Why: with the noun it wanted held back, the decoder may stop on a modifier: "a little girl is
sitting on a blue and a blue", "a man is standing in a red". The beam search does not end a
caption on a listed pair of an article and a word (org.captioner.search.SearchSettings).

Rule: "a WORD" (for "a" and "an") is listed when WORD follows "a" or "an" at least DANGLING_MIN
times in the training captions and never ends a caption there, and is not a bare ending (whose
article is dropped instead: "playing a hockey" becomes "playing hockey"); "the WORD" likewise
after "the", bare endings included ("the" is not dropped; "in the snow." ends captions, so "snow"
is not listed). What is listed: colours and sizes ("a red"), nouns that begin a longer one ("a body
of water", "the soccer ball"), and words for people that captions only use as their subject ("a
skateboarder", "a hiker").

Tokenisation: lower case, runs of letters, as caption_verbs.py.
"""
import argparse
import collections
import os
import sys

from flickr8k_train import train_captions

MIN_COUNT = 10
ARTICLE_END = 0.02
BARE_END = 0.1
PREPOSITIONS = ("in on at through into across over under with from of by near down up along around onto toward"
                " towards behind past inside outside beside between").split()
DANGLING_MIN = 30
DANGLING_HEADER = ("# An article and a word no caption ends on (\"a\" stands for \"a\" and \"an\"), derived from Flickr8k's\n"
                   "# training captions by scripts/article_endings.py (the word after that article at least %d times,\n"
                   "# never ending the caption there; after \"a\", not a bare ending). \"a\" first, then \"the\"; each\n"
                   "# most frequent first.\n" % DANGLING_MIN)
HEADER = ("# Words a caption ends on without \"a\" or \"an\", derived from Flickr8k's training captions by\n"
          "# scripts/article_endings.py (after \"a\"/\"an\" at least %d times, ending the caption less than %d %%\n"
          "# of them; after a verb or a preposition at least %d times, ending it at least %d %% of them).\n"
          "# Alphabetical.\n" % (MIN_COUNT, round(ARTICLE_END * 100), MIN_COUNT, round(BARE_END * 100)))


def derive(data_dir, verbs_path):
    with open(verbs_path) as f:
        verbs = {line.strip() for line in f if line.strip() and not line.startswith("#")}
    bare_before = (verbs - {"is", "are"}) | set(PREPOSITIONS)
    after_article = collections.Counter()
    article_end = collections.Counter()
    after_the = collections.Counter()
    the_end = collections.Counter()
    after_bare = collections.Counter()
    bare_end = collections.Counter()
    for tokens in train_captions(data_dir):
        for k in range(1, len(tokens)):
            last = k == len(tokens) - 1
            if tokens[k - 1] == "the":
                after_the[tokens[k]] += 1
                the_end[tokens[k]] += last
            if tokens[k - 1] in ("a", "an"):
                after_article[tokens[k]] += 1
                article_end[tokens[k]] += last
            elif tokens[k - 1] in bare_before:
                after_bare[tokens[k]] += 1
                bare_end[tokens[k]] += last
    listed = sorted(w for w in after_bare
                    if w not in verbs and after_article[w] >= MIN_COUNT and article_end[w] / after_article[w] < ARTICLE_END
                    and after_bare[w] >= MIN_COUNT and bare_end[w] / after_bare[w] >= BARE_END)
    # A bare ending may end a caption after "a": that article is dropped instead ("playing tennis").
    after_a = sorted((w for w in after_article if after_article[w] >= DANGLING_MIN and article_end[w] == 0
                      and w not in listed), key=lambda w: (-after_article[w], w))
    after_the_ = sorted((w for w in after_the if after_the[w] >= DANGLING_MIN and the_end[w] == 0),
                        key=lambda w: (-after_the[w], w))
    pairs = ["a " + w for w in after_a] + ["the " + w for w in after_the_]
    return {"bare-endings.txt": HEADER + "".join(w + "\n" for w in listed),
            "dangling-words.txt": DANGLING_HEADER + "".join(p + "\n" for p in pairs)}


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    text_dir = os.path.join(here, "..", "captioner-core", "src", "main", "resources", "org", "captioner", "text")
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", default=os.path.join(here, "..", "..", "shared", "datasets", "flickr8k"))
    parser.add_argument("--out-dir", default=text_dir)
    parser.add_argument("--verbs", default=os.path.join(text_dir, "verbs.txt"))
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    stale = False
    for name, text in derive(args.data_dir, args.verbs).items():
        path = os.path.join(args.out_dir, name)
        words = sum(1 for line in text.splitlines() if not line.startswith("#"))  # or pairs
        if args.check:
            with open(path) as f:
                same = f.read() == text
            stale |= not same
            print(name + " is " + ("up to date" if same else "stale or edited"))
        else:
            with open(path, "w") as f:
                f.write(text)
            print("wrote %d words to %s" % (words, path))
    sys.exit(1 if stale else 0)


if __name__ == "__main__":
    main()
