package org.captioner.search;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Words one image's caption should contain: each constraint is a set of token ids, any one of
 * which meets it ("dog", "dogs" or "puppy"). {@link BeamSearch} keeps a beam for every subset of
 * constraints met so far and returns first the captions that meet the most (Anderson et al.,
 * EMNLP 2017, "Guided Open Vocabulary Image Captioning with Constrained Beam Search").
 *
 * <p>{@code before}: words a caption may not write until it meets one of the constraints, so that
 * the first thing it names is a required one (the verbs, {@link org.captioner.text.Verbs}: the
 * required thing is the subject); such a word does not meet a constraint in their place.
 * {@code once}: a word that meets a constraint already met, other than one of {@code before}, is not
 * written again ("a computer is sitting on a computer"). {@code never}: words it does not write at all.
 */
public record RequiredWords(List<int[]> anyOf, int[] before, int[] never, boolean once) {

    /** Constraints per image at most: the search keeps 2^n beams for n constraints. */
    public static final int MAX = 3;

    /** Nothing required: the plain beam search. */
    public static final RequiredWords NONE = new RequiredWords(List.of());

    /** These constraints, in any order, each met any number of times. */
    public RequiredWords(List<int[]> anyOf) {
        this(anyOf, new int[0], new int[0], false);
    }

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
        before = Arrays.stream(before).sorted().distinct().toArray();
        never = Arrays.stream(never).sorted().distinct().toArray();
        if ((before.length > 0 || never.length > 0 || once) && anyOf.isEmpty()) {
            throw new IllegalArgumentException("words held back or named once need a constraint to wait for");
        }
    }

    /**
     * Whether a caption whose met constraints are {@code met} (a mask, as {@link #mask} gives) may
     * write {@code token} next, as far as {@code before}, {@code never} and {@code once} say.
     */
    public boolean allows(int met, int token) {
        if ((met == 0 && Arrays.binarySearch(before, token) >= 0) || Arrays.binarySearch(never, token) >= 0) {
            return false;
        }
        // A verb that meets a constraint ("skiing" for the skis a skier wears) is no second name of the thing.
        return !(once && (mask(token) & met) != 0 && Arrays.binarySearch(before, token) < 0);
    }

    /** Whether {@link #allows} ever refuses anything. */
    public boolean ordered() {
        return before.length > 0 || never.length > 0 || once;
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
