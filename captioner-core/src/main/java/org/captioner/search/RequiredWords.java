package org.captioner.search;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Words one image's caption should contain: each constraint is a set of token ids, any one of
 * which meets it ("dog", "dogs" or "puppy"). {@link BeamSearch} keeps a beam for every subset of
 * constraints met so far and returns first the captions that meet the most (Anderson et al.,
 * EMNLP 2017, "Guided Open Vocabulary Image Captioning with Constrained Beam Search").
 */
public record RequiredWords(List<int[]> anyOf) {

    /** Constraints per image at most: the search keeps 2^n beams for n constraints. */
    public static final int MAX = 3;

    /** Nothing required: the plain beam search. */
    public static final RequiredWords NONE = new RequiredWords(List.of());

    public RequiredWords {
        if (anyOf.size() > MAX) {
            throw new IllegalArgumentException("at most " + MAX + " required words per image, got " + anyOf.size());
        }
        List<int[]> copy = new ArrayList<>();
        for (int[] set : anyOf) {
            if (set.length == 0) {
                throw new IllegalArgumentException("a required word needs at least one token");
            }
            copy.add(set.clone());
        }
        anyOf = List.copyOf(copy);
    }

    public int count() {
        return anyOf.size();
    }

    /** Bit k set where {@code token} meets constraint k. */
    public int mask(int token) {
        int mask = 0;
        for (int k = 0; k < anyOf.size(); k++) {
            for (int t : anyOf.get(k)) {
                if (t == token) {
                    mask |= 1 << k;
                }
            }
        }
        return mask;
    }

    /** Whether a caption of these words meets every constraint. */
    public boolean metBy(int[] words) {
        return met(words) == anyOf.size();
    }

    /** How many constraints a caption of these words meets. */
    public int met(int[] words) {
        int met = 0;
        for (int w : words) {
            met |= mask(w);
        }
        return Integer.bitCount(met);
    }

    /** Every token that meets some constraint, each once, ascending (a new array). */
    int[] tokens() {
        return anyOf.stream().flatMapToInt(Arrays::stream).distinct().sorted().toArray();
    }
}
