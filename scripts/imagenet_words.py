#!/usr/bin/env python3
"""Map the encoder's 1,000 ImageNet classes to caption-vocabulary words through WordNet 3.0,
writing models/default/imagenet-words.tsv.

  apt-get install -y wordnet-base        # WordNet 3.0 database in /usr/share/wordnet
  /usr/bin/python3 scripts/imagenet_words.py \
      [--synsets ../shared/models/encoders/imagenet_synsets.txt] \
      [--vocabulary models/default/vocabulary.json] \
      [--wordnet /usr/share/wordnet] [--out models/default/imagenet-words.tsv] \
      [--check] [--review]

Standard library only. --check rebuilds the table in memory and exits 1 if the file differs
(stale or hand-edited); --review lists the accepted (word, synset) pairs whose synset is not
the word's most frequent noun sense in WordNet's SemCor counts, to re-audit SENSE_TRAPS after a
vocabulary change.

Inputs
  * the ImageNet class list in the classifier's output order, one class a line,
    `WNID name, synonyms` (`n02123045 tabby, tabby cat`); a WNID is 'n' + the 8-digit offset of
    a WordNet 3.0 noun synset (3.1 offsets differ, so the script insists on 3.0);
  * the caption vocabulary, vocabulary.json: a JSON list of words, `<pad> <start> <end> <unk>`
    first, then the training captions' words by descending count (Vocabulary.build), so a
    smaller index means a more frequent caption word;
  * WordNet 3.0's data.noun (synsets: lemmas, `@` hypernym and `@i` instance-hypernym
    pointers).

Algorithm
  For each class, breadth-first search up the hypernym graph (`@` and `@i`) from the class's own
  synset (distance 0); every synset reached gets its smallest hop count. A synset offers its
  lemmas lower-cased; lemmas with an underscore (multi-word: "tabby_cat") are skipped because
  captions are tokenised into single words (the vocabulary has no spaces; hyphenated tokens such
  as "merry-go-round" do match). A lemma counts when it is in the vocabulary, is not in GENERIC
  (too general to be evidence for any object) and the pair (lemma, synset) is not in SENSE_TRAPS
  (the synset's sense of the word is not the sense captions use: ImageNet's kite is the bird).
  The class's word is the counting lemma at the smallest distance; ties (several lemmas, or
  several synsets at that distance) go to the most frequent caption word (smallest vocabulary
  index), then to the smaller synset offset. Nearest wins even over a commoner caption word
  further up: Yorkshire terrier -> terrier (1 hop), not dog (3 hops); path_words has both.
  Fallback, used only when no synset on any path offers a counting lemma: the last word of
  each of the ImageNet name's comma-separated names (its head noun in an English compound:
  "stopwatch, stop watch" -> "watch"), first name first, unless GENERIC or SENSE_TRAPS (keyed
  by the class's own WNID) refuse it ("CD player" -> "player" is refused) or it was refused on
  the class's paths (book jacket: "jacket" is a trap on its hypernym).

Output (tab-separated, UTF-8): comment lines starting with '#' (WordNet's copyright, the
sha256 of the three inputs, the GENERIC words and the SENSE_TRAPS), a header line, then one
line per class in classifier order:
  index         0-based classifier output index
  wnid          the class's WordNet id (n + offset)
  imagenet_name the class's names as in the synset list
  word          the chosen caption word; empty when none
  via_wnid      the synset the word came from; "name" for the name fallback; empty when none
  via_lemma     that synset's first lemma as WordNet spells it (the name for the fallback)
  hops          hypernym steps from the class to via_wnid (0: the class itself); empty if none
  path_words    every counting vocabulary word on any hypernym path, `word:hops` separated by
                spaces, by hops then caption frequency (tabby: `cat:2 animal:3`); lets code
                give evidence to general words ("animal", "dog", "vehicle") too
  skipped       vocabulary words on the paths that were refused, `word:hops`, GENERIC words
                and SENSE_TRAPS alike (they are listed in the comment lines)
  name          the class's everyday name in one word, whether the vocabulary has it or not,
                lower-cased: the last word of the class's first lemma where that word is a
                lemma of the class or of one of its hypernyms ("zebra"; "Arctic fox" -> "fox",
                "three-toed sloth" -> "sloth", not "black widow" -> "widow"); else the first
                one-word lemma of the class's own synset (giant panda -> "panda"); else the
                first lemma of the nearest hypernym whose first lemma is one word ("black
                widow" -> "spider"). Never a GENERIC word or a SENSE_TRAPS sense ("Komodo
                dragon" passes over "monitor" to "lizard"). The captioner writes it where a
                caption says "animal" for an animal its vocabulary cannot name
                (Grounding.nameSeenAnimals).
"""
import argparse
import collections
import hashlib
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

# Words never used as object evidence, in any synset: each is a WordNet upper-level category
# (or a category-like sense) that captions do not use for the things beneath it.
GENERIC = {
    "object": "physical_object: above every artifact and organism",
    "thing": "an entity, not a kind of object",
    "whole": "whole/unit: above all artifacts and living things",
    "entity": "the root",
    "being": "organism: captions say 'being' for 'human being' at most",
    "organism": "above all animals and plants",
    "artifact": "above every man-made class",
    "instrumentality": "above devices, containers, vehicles, ...",
    "structure": "structure/construction: above buildings, bridges, fences, ...",
    "construction": "structure/construction: 'under construction' in captions",
    "device": "above most machines and tools; means nothing visual",
    "container": "above bags, bottles, boxes, vessels, ...",
    "covering": "above clothing, roofs, lids, ...",
    "equipment": "above sports gear, electronics, ...",
    "matter": "above food and substances",
    "substance": "above food and materials",
    "good": "commodity/good: consumer goods; captions use 'good' as an adjective",
    "commodity": "consumer goods",
    "part": "part/portion: above many kinds of pieces",
    "piece": "piece (a portion) and piece (a firearm): neither is caption usage",
    "creature": "animal/creature: a synonym of animal, rare in captions; 'animal' is kept",
    "unit": "whole/unit",
    "system": "above networks and apparatus",
    "surface": "above screens, tables' tops and faces",
    "area": "a part of a structure",
    "location": "a point or extent in space",
    "medium": "a means of communication",
}

# (word, WNID) pairs refused: the synset's sense of the word is not what a caption means by it
# (captions describe photos of people, dogs and everyday things). Found by reading every
# vocabulary word on the 1,000 classes' paths; --review lists candidates again.
SENSE_TRAPS = {
    # the class's own name in a sense captions do not use
    ("kite", "n01608432"): "ImageNet's kite is the hawk; captions' kite is the toy",
    ("boxer", "n02108089"): "the dog breed; captions' boxer is a fighter",
    ("chest", "n03014705"): "chest (a box); captions' chest is the body part",
    ("ear", "n13133613"): "ear of grain; captions' ear is the body part",
    ("pitcher", "n03950228"): "pitcher (a jug); captions' pitcher throws a baseball",
    ("rubber", "n04116512"): "rubber eraser; captions' rubber is the material",
    ("pick", "n03929660"): "pick (a plectrum); captions' pick is the verb",
    ("pirate", "n03947888"): "pirate ship; captions' pirate is a person",
    ("racer", "n04037443"): "race car; captions' racer is a person",
    ("jack", "n07754684"): "jackfruit; captions' jack is a name or a jacket",
    ("head", "n09399592"): "promontory; captions' head is the body part",
    ("site", "n06359193"): "web site; captions' site is a place",
    ("spot", "n04286575"): "spotlight; captions' spot is a place or a marking",
    ("light", "n03666591"): "lighter; captions' light is brightness or a lamp",
    ("mouse", "n03793489"): "computer mouse; captions' mouse is Mickey Mouse",
    ("cricket", "n02229544"): "the insect; captions' cricket is the sport",
    ("fly", "n02190166"): "the insect; captions' fly is the verb (fly a kite)",
    ("orange", "n07747607"): "the fruit; captions' orange is the colour",
    ("mini", "n03770439"): "miniskirt/mini; captions' mini is a prefix (mini van, mini dress)",
    ("carrier", "n02687172"): "aircraft carrier; captions' carrier is a baby or pet carrier",
    ("wagon", "n02814533"): "station wagon; captions' wagon is a cart",
    ("wagon", "n03977966"): "police van; captions' wagon is a cart",
    ("carriage", "n03895866"): "railway carriage; captions' carriage is horse-drawn or a pram",
    # a hypernym's lemma in a sense captions do not use
    ("cat", "n02127808"): "big cat (lion, tiger, ...); captions say cat for the house cat",
    ("boa", "n01741943"): "the snake; captions' boa is a feather boa",
    ("chest", "n03015254"): "chest of drawers; captions' chest is the body part",
    ("outfit", "n03619396"): "kit/outfit (carpenter's kit); captions' outfit is clothes",
    ("jacket", "n03590306"): "book jacket; captions' jacket is a garment",
    ("pool", "n03982060"): "pool (a reservoir: rain barrel); captions' pool is a swimming pool",
    ("roll", "n07680932"): "bun/roll (bagel); captions' roll is the verb",
    ("bar", "n09214060"): "sandbar; captions' bar is a pub or a metal bar",
    ("works", "n03956922"): "industrial plant/works",
    ("toy", "n02085374"): "toy dog (a breed group); captions' toy is a plaything",
    ("monitor", "n01694709"): "monitor lizard (Komodo dragon); captions' monitor is a screen",
    ("game", "n02152991"): "game birds (grouse, quail); captions' game is a sport",
    ("game", "n03413828"): "game (puzzles); captions' game is a sport being played",
    ("racer", "n02384858"): "racing animal (whippet); captions' racer is a person",
    ("rail", "n02014941"): "the bird (coot); captions' rail is a railing",
    ("arm", "n04565375"): "weapon/arm; captions' arm is the limb",
    ("wood", "n04598582"): "woodwind; captions' wood is the material",
    ("wind", "n04586932"): "wind instrument; captions' wind is the weather",
    ("string", "n02880546"): "bowed stringed instrument; captions' string is a cord",
    ("pipe", "n03945615"): "pipe (a wind instrument)",
    ("instrument", "n03574816"): "instrument (a device): too general; musical instrument keeps it",
    ("wear", "n03051540"): "clothing/wear; captions' wear is the verb",
    ("hose", "n03540267"): "hosiery (socks, stockings); captions' hose is a garden hose",
    ("dress", "n02728440"): "apparel; captions' dress is a frock",
    ("dress", "n02756098"): "attire (masks, wigs); captions' dress is a frock",
    ("machine", "n02958343"): "car/machine; captions call a car a car",
    ("machine", "n03700963"): "simple machine (wheels, levers)",
    ("coach", "n02924116"): "bus/coach; captions' coach is a sports coach",
    ("coach", "n03895866"): "passenger car/coach; captions' coach is a sports coach",
    ("wheel", "n02834778"): "bicycle/wheel; captions' wheel is a wheel",
    ("cap", "n02954938"): "cap (a bottle top); captions' cap is a hat",
    ("cap", "n02955065"): "cap (a lens cap, thimble); captions' cap is a hat",
    ("cover", "n04453910"): "top/cover (a lid)",
    ("top", "n04453910"): "top/cover (a lid); captions' top is a garment or the upper side",
    ("cover", "n04151940"): "screen/cover (shoji)",
    ("plate", "n03959701"): "plate armour; captions' plate is a dish",
    ("plate", "n03959936"): "plate (a flat sheet: puck); captions' plate is a dish",
    ("sheet", "n04188643"): "sheet (a flat solid: puck, scoreboard)",
    ("board", "n03201208"): "dining table/board; captions' board is a skateboard or surfboard",
    ("board", "n02856463"): "board (scoreboard); captions' board is a skateboard or surfboard",
    ("disc", "n03706653"): "magnetic disk; captions' disc is a frisbee",
    ("disk", "n03706653"): "magnetic disk; captions' disc is a frisbee",
    ("shade", "n04181718"): "lampshade; captions' shade is shadow",
    ("litter", "n03678362"): "litter (a stretcher); captions' litter is rubbish or puppies",
    ("bank", "n04139859"): "piggy bank; captions' bank is a river bank",
    ("patch", "n02785648"): "bandage; captions' patch is a patch of ground",
    ("plant", "n03956922"): "industrial plant; captions' plant is vegetation",
    ("ball", "n13899404"): "globe/orb (bubble); not a ball",
    ("sign", "n06791372"): "signal (traffic light); captions' sign is a signboard",
    ("house", "n04417809"): "theater/house; captions' house is a dwelling",
    ("home", "n03259505"): "dwelling/home; 'at home' in captions, not an object",
    ("course", "n07556970"): "course of a meal; captions' course is a golf or race course",
    ("jumper", "n04370048"): "sweater/jumper; captions' jumper is someone jumping",
    ("runner", "n04120093"): "runner (of a ski or sled); captions' runner is a person",
    ("ride", "n04088797"): "ride (at a fair); captions' ride is the verb",
    ("landing", "n03638321"): "landing place (dock); captions' landing is touching down",
    ("round", "n03032811"): "circle/round",
    ("circle", "n03032811"): "circle (a curved line: puck)",
    ("point", "n08620061"): "point (a location); captions' point is the verb",
    ("stand", "n04038440"): "rack/stand; captions' stand is the verb",
    ("control", "n03096960"): "control (a mechanism); captions' control is the verb",
    ("work", "n04602044"): "workplace/work; captions' work is the verb",
    ("work", "n04599396"): "a piece of work (comic book)",
    ("figure", "n03178782"): "design/figure; captions' figure is a person or statue",
    ("pattern", "n03178782"): "design/pattern: a decoration, not an object",
    ("match", "n09626238"): "peer/match; captions' match is a game",
    ("vertical", "n04515129"): "upright piano; captions' vertical is an adjective",
    ("plane", "n03954731"): "carpenter's plane; captions' plane is an aeroplane",
    # the class-name fallback: the name's head noun in a sense captions do not use
    ("player", "n02979186"): "cassette player; captions' player is a person",
    ("player", "n02988304"): "CD player; captions' player is a person",
    ("player", "n04392985"): "tape player; captions' player is a person",
    ("slide", "n03476684"): "hair slide; captions' slide is a playground slide",
    ("disc", "n03492542"): "hard disc; captions' disc is a frisbee",
    ("shade", "n03637318"): "lampshade; captions' shade is shadow",
    ("cap", "n03657121"): "lens cap; captions' cap is a hat",
    ("cover", "n03657121"): "lens cover",
    ("disk", "n03492542"): "hard disk; captions' disc is a frisbee",
    ("cover", "n03717622"): "manhole cover",
    ("bank", "n03935335"): "piggy bank; captions' bank is a river bank",
    ("house", "n04005630"): "prison house; captions' house is a dwelling",
    ("control", "n04074963"): "remote control; captions' control is the verb",
    ("dish", "n04258138"): "solar dish; captions' dish holds food",
    ("woods", "n13052670"): "hen-of-the-woods (a fungus); captions' woods are a forest",
    ("spray", "n03476991"): "hair spray; captions' spray is water",
    ("ounce", "n02128757"): "snow leopard/ounce (only its `name`); everyday ounce is a weight",
}


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def read_wordnet(wordnet_dir):
    """offset -> (lemmas as written, hypernym offsets, lex_filenum, lex_ids); checks it is 3.0."""
    path = os.path.join(wordnet_dir, "data.noun")
    synsets = {}
    version_ok = False
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("  "):  # the licence header
                version_ok = version_ok or "WordNet 3.0 Copyright" in line
                continue
            fields = line.split(" | ", 1)[0].split()
            offset, lex_filenum, w_cnt = fields[0], int(fields[1]), int(fields[3], 16)
            lemmas = [fields[4 + 2 * i] for i in range(w_cnt)]
            lex_ids = [int(fields[5 + 2 * i], 16) for i in range(w_cnt)]
            p = 4 + 2 * w_cnt
            hypernyms = []
            for i in range(int(fields[p])):
                symbol, target, pos = fields[p + 1 + 4 * i: p + 4 + 4 * i]
                if symbol in ("@", "@i") and pos == "n":
                    hypernyms.append(target)
            synsets[offset] = (lemmas, hypernyms, lex_filenum, lex_ids)
    if not version_ok:
        sys.exit(f"{path} is not WordNet 3.0 (ImageNet WNIDs are 3.0 offsets)")
    return synsets


def read_classes(path):
    classes = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line:
                wnid, name = line.split(" ", 1)
                classes.append((wnid, name))
    if len(classes) != 1000:
        sys.exit(f"{path}: expected 1000 classes, found {len(classes)}")
    return classes


def ancestors(synsets, offset):
    """Breadth-first up the hypernym graph: [(offset, hops)] with each synset's smallest hops."""
    hops = {offset: 0}
    order = [offset]
    queue = collections.deque([offset])
    while queue:
        s = queue.popleft()
        for h in synsets[s][1]:
            if h not in hops:
                hops[h] = hops[s] + 1
                order.append(h)
                queue.append(h)
    return [(s, hops[s]) for s in order]


def refusal(word, wnid):
    if word in GENERIC:
        return GENERIC[word]
    return SENSE_TRAPS.get((word, wnid))


def map_class(synsets, rank, wnid, name):
    """Returns (word, via_wnid, via_lemma, hops, path_words, skipped); path_words and skipped
    are [(word, hops)] in output order."""
    found = {}  # word -> (hops, offset) at its smallest hops, smaller offset on ties
    refused = {}
    for offset, hops in ancestors(synsets, wnid[1:]):
        for lemma in synsets[offset][0]:
            word = lemma.lower()
            if "_" in word or word not in rank:
                continue
            target = refused if refusal(word, "n" + offset) else found
            if word not in target or (hops, offset) < target[word]:
                target[word] = (hops, offset)
    for word in found:
        refused.pop(word, None)  # counted through another synset: not skipped

    def ordered(d):
        return sorted(d, key=lambda w: (d[w][0], rank[w]))

    path_words = [(w, found[w][0]) for w in ordered(found)]
    skipped = [(w, refused[w][0]) for w in ordered(refused)]
    if found:
        best = min(found, key=lambda w: (found[w][0], rank[w], found[w][1]))
        hops, offset = found[best]
        return best, "n" + offset, synsets[offset][0][0], hops, path_words, skipped
    for synonym in name.split(", "):
        head = synonym.split()[-1].lower()
        if head in rank and head not in refused and not refusal(head, wnid):
            return head, "name", synonym.replace(" ", "_"), None, path_words, skipped
    return None, None, None, None, path_words, skipped


HEADER = ["index", "wnid", "imagenet_name", "word", "via_wnid", "via_lemma", "hops",
          "path_words", "skipped", "name"]


def everyday_name(synsets, wnid):
    """The class's one-word everyday name (see the docstring's `name` column), or ""."""
    path = ancestors(synsets, wnid[1:])
    head = synsets[wnid[1:]][0][0].lower().split("_")[-1]
    for offset, _ in path:
        if head in (l.lower() for l in synsets[offset][0]) and not refusal(head, "n" + offset):
            return head
    for offset, hops in path:
        lemmas = synsets[offset][0] if hops == 0 else synsets[offset][0][:1]
        for lemma in lemmas:
            word = lemma.lower()
            if "_" not in word and not refusal(word, "n" + offset):
                return word
    return ""


def build(args):
    synsets = read_wordnet(args.wordnet)
    classes = read_classes(args.synsets)
    with open(args.vocabulary, encoding="utf-8") as f:
        vocabulary = json.load(f)
    rank = {w: i for i, w in enumerate(vocabulary) if not (w.startswith("<") and w.endswith(">"))}
    for word, wnid in SENSE_TRAPS:  # a typo would silently refuse nothing
        lemmas = [l.lower() for l in synsets.get(wnid[1:], ([],))[0]]
        if word not in lemmas and word not in " ".join(lemmas).replace("_", " ").split():
            sys.exit(f"SENSE_TRAPS: {wnid} has no lemma or name word {word!r}")
    rows = []
    for index, (wnid, name) in enumerate(classes):
        if wnid[1:] not in synsets:
            sys.exit(f"{wnid} ({name}) is not a WordNet 3.0 noun synset")
        rows.append((index, wnid, name) + map_class(synsets, rank, wnid, name))

    def fmt(pairs):
        return " ".join(f"{w}:{h}" for w, h in pairs)

    lines = [
        "# ImageNet class -> caption word through WordNet 3.0 hypernyms; made by "
        "scripts/imagenet_words.py (see its docstring); do not edit by hand",
        "# derived from WordNet 3.0, Copyright 2006 by Princeton University; its licence "
        "notice is in NOTICE.md",
        f"# sha256 synsets={sha256(args.synsets)} vocabulary={sha256(args.vocabulary)} "
        f"wordnet_data.noun={sha256(os.path.join(args.wordnet, 'data.noun'))}",
        "# generic words never used: " + " ".join(sorted(GENERIC)),
        "# sense traps refused (word@wnid): "
        + " ".join(f"{w}@{n}" for w, n in sorted(SENSE_TRAPS)),
        "\t".join(HEADER),
    ]
    for index, wnid, name, word, via, lemma, hops, path_words, skipped in rows:
        lines.append("\t".join([str(index), wnid, name, word or "", via or "", lemma or "",
                                "" if hops is None else str(hops), fmt(path_words),
                                fmt(skipped), everyday_name(synsets, wnid)]))
    return "\n".join(lines) + "\n", rows, synsets, rank


def review(synsets, rank, rows, wordnet_dir):
    """Accepted (word, synset) pairs where another noun sense of the word has more SemCor tags."""
    counts = {}
    with open(os.path.join(wordnet_dir, "cntlist.rev"), encoding="utf-8") as f:
        for line in f:
            key, _, count = line.split()
            counts[key] = int(count)
    senses = {}
    with open(os.path.join(wordnet_dir, "index.noun"), encoding="utf-8") as f:
        for line in f:
            if not line.startswith(" "):
                fields = line.split()
                senses[fields[0]] = fields[-int(fields[2]):]

    def tags(word, offset):
        lemmas, _, lex_filenum, lex_ids = synsets[offset]
        lex_id = next(i for l, i in zip(lemmas, lex_ids) if l.lower() == word)
        return counts.get(f"{word}%1:{lex_filenum:02d}:{lex_id:02d}::", 0)

    seen = collections.Counter()
    for _, wnid, _, _, _, _, _, path_words, _ in rows:
        for offset, _ in ancestors(synsets, wnid[1:]):
            for lemma in synsets[offset][0]:
                word = lemma.lower()
                if word in rank and "_" not in word and not refusal(word, "n" + offset):
                    seen[(word, offset)] += 1
    for (word, offset), n in sorted(seen.items()):
        own = tags(word, offset)
        others = [(tags(word, o), o) for o in senses[word] if o != offset]
        top = max(others, default=(0, None))
        position = senses[word].index(offset) + 1
        if top[0] > own or (own == 0 and position > 1):
            print(f"{word}@n{offset} ({synsets[offset][0][0]}, {n} classes): sense "
                  f"{position}/{len(senses[word])}, {own} tags; sense n{top[1]} "
                  f"({synsets[top[1]][0][0]}) has {top[0]}")


def summary(rows):
    got = [r for r in rows if r[3]]
    by_name = sum(1 for r in got if r[4] == "name")
    print(f"{len(got)} of {len(rows)} classes have a word "
          f"({len(got) - by_name} through WordNet, {by_name} from the class name); "
          f"{len({r[3] for r in got})} distinct words")
    common = collections.Counter(r[3] for r in got).most_common(25)
    print("most common: " + ", ".join(f"{w} {c}" for w, c in common))
    none = [r[2].split(",")[0] for r in rows if not r[3]]
    if none:
        print(f"no word ({len(none)}): " + "; ".join(none))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--synsets",
                        default=os.path.join(ROOT, "..", "shared", "models", "encoders",
                                             "imagenet_synsets.txt"))
    parser.add_argument("--vocabulary",
                        default=os.path.join(ROOT, "models", "default", "vocabulary.json"))
    parser.add_argument("--wordnet", default="/usr/share/wordnet")
    parser.add_argument("--out", default=os.path.join(ROOT, "models", "default",
                                                      "imagenet-words.tsv"))
    parser.add_argument("--check", action="store_true",
                        help="exit 1 if --out differs from what the inputs give")
    parser.add_argument("--review", action="store_true",
                        help="list accepted words whose synset is not their commonest sense")
    args = parser.parse_args()
    text, rows, synsets, rank = build(args)
    if args.review:
        review(synsets, rank, rows, args.wordnet)
        return
    if args.check:
        with open(args.out, encoding="utf-8") as f:
            if f.read() != text:
                sys.exit(f"{args.out} is stale: rerun scripts/imagenet_words.py")
        print(f"{args.out} is up to date")
        return
    with open(args.out, "w", encoding="utf-8") as f:
        f.write(text)
    print(f"wrote {args.out}")
    summary(rows)


if __name__ == "__main__":
    main()
