"""Flickr8k's training captions as the derivation scripts read them (caption_verbs.py,
article_endings.py): lower case, runs of letters. Standard library only."""
import os
import re


def train_captions(data_dir):
    """Yields each training caption of Flickr8k in data_dir as a list of lower-case tokens."""
    with open(os.path.join(data_dir, "Flickr_8k.trainImages.txt")) as f:
        train = set(f.read().split())
    with open(os.path.join(data_dir, "Flickr8k.token.txt")) as f:
        for line in f:
            key, caption = line.rstrip("\n").split("\t", 1)
            if key.split("#")[0] in train:
                yield re.findall(r"[a-z]+", caption.lower())
