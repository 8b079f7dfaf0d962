package org.captioner.search;

import java.util.Set;
import org.captioner.text.Vocabulary;

/**
 * Settings shared by every search.
 *
 * @param maxLength most words generated (not counting {@code <end>}); longer captions are cut
 * @param lengthPenalty α in {@code score = logProb / length^α}; 0 ranks by raw log-probability
 *     (favours short captions), 1 by mean per-word log-probability
 * @param banned token ids never generated ({@code <pad>}, {@code <start>}, and by default {@code <unk>})
 * @param blockRepeatedTrigrams beam search never extends a caption with a word trigram it already
 *     holds ("a black and white brown and white brown and white") nor with its last word again ("is
 *     is"): a guard against the loops a decoder falls into when grounding takes away the noun it wanted
 * @param noEndAfter word pairs ({@link #pair}) after which beam search does not end a caption: an
 *     article and a word no caption ends on after one ("on a blue"; {@code Articles#danglingPairs}). A
 *     caption does not end either where every one of its last few words pairs so with the word
 *     before them ("on a red and white", where "a red", "a and" and "a white" are pairs): the
 *     article's phrase never reached its noun
 */
public record SearchSettings(int maxLength, double lengthPenalty, Set<Integer> banned, boolean blockRepeatedTrigrams,
        Set<Long> noEndAfter) {

    public SearchSettings(int maxLength, double lengthPenalty, Set<Integer> banned, boolean blockRepeatedTrigrams) {
        this(maxLength, lengthPenalty, banned, blockRepeatedTrigrams, Set.of());
    }

    public SearchSettings {
        if (maxLength < 1) {
            throw new IllegalArgumentException("maxLength must be at least 1, got " + maxLength);
        }
        if (!(lengthPenalty >= 0 && lengthPenalty <= 2)) {
            throw new IllegalArgumentException("lengthPenalty must be in [0, 2], got " + lengthPenalty);
        }
        if (banned.contains(Vocabulary.END_ID)) {
            throw new IllegalArgumentException("<end> cannot be banned");
        }
        banned = Set.copyOf(banned);
        noEndAfter = Set.copyOf(noEndAfter);
    }

    /** The key of the word pair ({@code first}, {@code second}) in {@link #noEndAfter}. */
    public static long pair(int first, int second) {
        return ((long) first << 32) | (second & 0xffffffffL);
    }

    /**
     * The most words after an article that {@link #mayEnd} looks back over ("a red and white" is 3;
     * "a red and white and white", which the search wrote next with a limit of 4, 5).
     */
    static final int MAX_DANGLING_TAIL = 8;

    /**
     * Whether a caption of these words may end here: not where, for some word (an article), each of
     * the up to {@link #MAX_DANGLING_TAIL} words after it forms a {@link #noEndAfter} pair with it.
     */
    public boolean mayEnd(int[] words) {
        int n = words.length;
        if (noEndAfter.isEmpty()) {
            return true;
        }
        for (int j = n - 2; j >= Math.max(0, n - 1 - MAX_DANGLING_TAIL); j--) {
            int k = j + 1;
            while (k < n && noEndAfter.contains(pair(words[j], words[k]))) {
                k++;
            }
            if (k == n) {
                return false;
            }
        }
        return true;
    }

    public static SearchSettings of(int maxLength, double lengthPenalty) {
        return new SearchSettings(maxLength, lengthPenalty,
                Set.of(Vocabulary.PAD_ID, Vocabulary.START_ID, Vocabulary.UNK_ID), false);
    }

    /** The same settings, with or without trigram blocking. */
    public SearchSettings withBlockedTrigrams(boolean block) {
        return new SearchSettings(maxLength, lengthPenalty, banned, block, noEndAfter);
    }

    /** The same settings, with these word pairs after which no caption ends. */
    public SearchSettings withNoEndAfter(Set<Long> pairs) {
        return new SearchSettings(maxLength, lengthPenalty, banned, blockRepeatedTrigrams, pairs);
    }

    /** The ranking score of a caption with this log-probability and token count. */
    public double score(double logProb, int length) {
        return lengthPenalty == 0 || length == 0 ? logProb : logProb / Math.pow(length, lengthPenalty);
    }
}
