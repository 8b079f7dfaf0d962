package org.captioner.search;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import org.captioner.text.Vocabulary;

/**
 * Beam search over a batch of images: every step expands all live beams of all images in one model
 * call, keeps the {@code width} most likely continuations per image (all live beams have the same
 * length, so raw log-probability ranks them as the length-normalised score would), and moves those
 * ending in {@code <end>} (when among the top {@code width}) to the finished list, which keeps every
 * caption that finishes. An image stops once it has {@code nBest} finished captions and no live beam
 * can still beat the {@code nBest}-th best of them, whatever words follow;
 * otherwise it goes on to the length limit, where live beams are cut and kept. The {@code nBest}
 * captions are returned best first by length-normalised score. With length penalty 0, width 1 gives
 * exactly the greedy result.
 *
 * <p>With required words ({@link #search(DecodingModel, float[][], List)}) all of this holds per
 * group, an image and one subset of its required words met so far, each with {@code width} beams;
 * captions come back ordered by how many required words they meet, then by score. A word that
 * {@link RequiredWords#allows} refuses where a beam stands (held back until a constraint is met,
 * never written, or a second name of a thing named) is not offered.
 */
public final class BeamSearch {

    private final int width;
    private final int nBest;
    private final SearchSettings settings;

    public BeamSearch(int width, int nBest, SearchSettings settings) {
        if (width < 1) {
            throw new IllegalArgumentException("beam width must be at least 1, got " + width);
        }
        if (nBest < 1 || nBest > width) {
            throw new IllegalArgumentException("n-best must be between 1 and the beam width (" + width + "), got " + nBest);
        }
        this.width = width;
        this.nBest = nBest;
        this.settings = settings;
    }

    /** A live partial caption: its words so far and total log-probability. */
    private record Beam(int[] words, double logProb) {}

    /** A candidate continuation: which row it extends, with which token, at what log-probability. */
    private record Candidate(int row, int token, double logProb) {}

    /** For each image, up to {@code nBest} captions, best first. */
    public <S> List<List<Hypothesis>> search(DecodingModel<S> model, float[][] features) {
        return search(model, features, java.util.Collections.nCopies(features.length, RequiredWords.NONE));
    }

    /**
     * For each image, up to {@code nBest} captions, those that contain the most of its
     * {@code required} words first, then by score. An image with n constraints keeps a beam of
     * {@code width} for each of the 2^n subsets of them met so far: a word that meets one moves its
     * caption to the beam of the larger subset, so captions that must take a less likely road to a
     * required word do not compete with those that need not (Anderson et al., 2017). With nothing
     * required it is the plain beam search.
     */
    public <S> List<List<Hypothesis>> search(DecodingModel<S> model, float[][] features, List<RequiredWords> required) {
        int n = features.length;
        if (required.size() != n) {
            throw new IllegalArgumentException(n + " images but required words for " + required.size());
        }
        int allowed = model.vocabSize() - settings.banned().size();
        // Each beam offers its best 2×width words that trigram blocking allows (a blocked word counts as
        // impossible). A beam's last two words can have occurred at most maxLength - 2 times before, each
        // blocking one word, and its last word blocks itself, so asking for that many more keeps 2×width
        // allowed words per beam: without them a beam of width 1 whose two best words were both blocked
        // died, leaving its image no caption.
        int perBeam = Math.min(2 * width, allowed);
        // Groups: image i's states (subsets of its constraints met) are groups first[i] .. first[i+1]-1.
        int[] first = new int[n + 1];
        int[][] tokensOf = new int[n][];
        int mostTokens = 0;
        int mostHeldBack = 0;
        java.util.TreeSet<Integer> anyRequired = new java.util.TreeSet<>();
        for (int i = 0; i < n; i++) {
            first[i + 1] = first[i] + (1 << required.get(i).count());
            tokensOf[i] = required.get(i).tokens();
            mostTokens = Math.max(mostTokens, tokensOf[i].length);
            mostHeldBack = Math.max(mostHeldBack, required.get(i).before().length + required.get(i).never().length);
            for (int t : tokensOf[i]) {
                if (t < 0 || t >= model.vocabSize()) {
                    throw new IllegalArgumentException("required token " + t + " is not in the vocabulary");
                }
                anyRequired.add(t);
            }
        }
        // A required word among a beam's best is offered from the step's required columns instead, so each
        // row brings that many more words to keep 2×width for its own group.
        // Words held back until a constraint is met or never written (RequiredWords.allows) may fill a beam's best
        // words as well.
        int candidatesPerRow = Math.min(perBeam + mostTokens + mostHeldBack
                + (settings.blockRepeatedTrigrams() ? Math.max(0, settings.maxLength() - 2) + 1 : 0), allowed);
        boolean constrained = !anyRequired.isEmpty();
        // The required words of every image, and each one's column in a step's TopWords.also.
        int[] requiredTokens = anyRequired.stream().mapToInt(Integer::intValue).toArray();
        int[] columnOf = new int[model.vocabSize()];
        for (int j = 0; j < requiredTokens.length; j++) {
            columnOf[requiredTokens[j]] = j;
        }
        List<List<Beam>> live = new ArrayList<>();
        List<List<Hypothesis>> finished = new ArrayList<>();
        for (int g = 0; g < first[n]; g++) {
            live.add(new ArrayList<>());
            finished.add(new ArrayList<>());
        }
        for (int i = 0; i < n; i++) {
            live.get(first[i]).add(new Beam(new int[0], 0));
        }
        // With bonuses a caption's log-probability can still rise, and no bound says when to stop.
        boolean canStopEarly = model.neverRaisesLogProb();
        S state = model.start(features);
        int[] last = new int[n];
        Arrays.fill(last, Vocabulary.START_ID);

        for (int t = 0; t < settings.maxLength() && last.length > 0; t++) {
            // The best 2×width expansions of a group are among the best 2×width words of each of its beams,
            // and the required words, which only whole rows have.
            DecodingModel.TopWords<S> step = constrained
                    ? model.stepTop(state, last, candidatesPerRow, settings.banned(), requiredTokens)
                    : model.stepTop(state, last, candidatesPerRow, settings.banned());
            List<Integer> keptRows = new ArrayList<>();
            List<Integer> keptTokens = new ArrayList<>();
            List<List<Beam>> nextLive = new ArrayList<>();
            int row = 0;
            for (int i = 0; i < n; i++) {
                RequiredWords req = required.get(i);
                int states = first[i + 1] - first[i];
                List<List<Candidate>> top = topCandidates(step, columnOf, row, live.subList(first[i], first[i + 1]),
                        req, tokensOf[i], 2 * width, perBeam);
                for (int s = 0; s < states; s++) {
                    int g = first[i] + s;
                    List<Beam> survivors = new ArrayList<>();
                    List<Candidate> candidates = top.get(s);
                    int keptBefore = keptRows.size();
                    for (int rank = 0; rank < candidates.size() && survivors.size() < width; rank++) {
                        Candidate c = candidates.get(rank);
                        Beam parent = beamAt(live, first[i], c.row() - row);
                        if (c.token() == Vocabulary.END_ID) {
                            if (rank < width) {
                                finished.get(g).add(new Hypothesis(parent.words(), c.logProb(),
                                        settings.score(c.logProb(), parent.words().length + 1), true));
                            }
                            continue;
                        }
                        int[] words = Arrays.copyOf(parent.words(), parent.words().length + 1);
                        words[words.length - 1] = c.token();
                        survivors.add(new Beam(words, c.logProb()));
                        keptRows.add(c.row());
                        keptTokens.add(c.token());
                    }
                    // Only once the captions that meet every required word (the image's last group) fill the n-best
                    // is the outcome decided: then only they are returned, and this group's beams matter only if
                    // they can still become one of them. Every group can still reach that one, so until then
                    // none may stop.
                    if (canStopEarly && !survivors.isEmpty()
                            && settled(finished.get(first[i + 1] - 1), survivors.get(0).logProb())) {
                        // Nothing this group's live beams can still produce would enter the n-best: drop them.
                        survivors.clear();
                        keptRows.subList(keptBefore, keptRows.size()).clear();
                        keptTokens.subList(keptBefore, keptTokens.size()).clear();
                    }
                    nextLive.add(survivors);
                }
                for (int g = first[i]; g < first[i + 1]; g++) {
                    row += live.get(g).size();
                }
            }
            live = nextLive;
            int[] kept = keptRows.stream().mapToInt(Integer::intValue).toArray();
            last = keptTokens.stream().mapToInt(Integer::intValue).toArray();
            state = kept.length > 0 ? model.select(step.state(), kept) : releaseAndNull(model, step.state());
        }
        if (state != null) {
            model.release(state);
        }
        List<List<Hypothesis>> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            // Captions that meet more required words first, whatever they cost, as in Anderson et al.; among those
            // that meet as many, by score. A margin that let a much likelier caption without the word win back
            // was tried: on dev and the COCO sample it only took back the gain (model card).
            List<Hypothesis> all = new ArrayList<>();
            for (int met = required.get(i).count(); met >= 0; met--) {
                List<Hypothesis> same = new ArrayList<>();
                for (int s = 0; s < first[i + 1] - first[i]; s++) {
                    if (Integer.bitCount(s) != met) {
                        continue;
                    }
                    same.addAll(finished.get(first[i] + s));
                    for (Beam b : live.get(first[i] + s)) {
                        // Reached the length limit without <end>: kept, marked as cut.
                        same.add(new Hypothesis(b.words(), b.logProb(), settings.score(b.logProb(), b.words().length),
                                false));
                    }
                }
                same.sort(Comparator.comparingDouble(Hypothesis::score).reversed());
                all.addAll(same);
            }
            out.add(List.copyOf(all.subList(0, Math.min(nBest, all.size()))));
        }
        return out;
    }

    /** Beam {@code index} of an image's groups, counted across them in order from group {@code firstGroup}. */
    private static Beam beamAt(List<List<Beam>> live, int firstGroup, int index) {
        int g = firstGroup;
        while (index >= live.get(g).size()) {
            index -= live.get(g).size();
            g++;
        }
        return live.get(g).get(index);
    }

    /**
     * Whether an image with these finished captions, whose best live beam has log-probability
     * {@code bestLive}, can stop. Why the bound holds: every later word adds a log-probability ≤ 0, so
     * any caption grown from a live beam with log-probability L has log-probability L' ≤ L ≤ 0, and at
     * most {@code maxLength} tokens (an ended caption has at most {@code maxLength - 1} words plus
     * {@code <end>}, a cut one {@code maxLength} words). Its score L' / m^α is therefore at most
     * L / m^α ≤ L / maxLength^α (dividing a non-positive number by a larger positive one cannot lower
     * it). The best live beam has the largest L, so if even its bound does not beat the
     * {@code nBest}-th best finished score, nothing the image could still find would be returned. For
     * α = 0 the bound is L itself, the usual early stop on raw log-probability.
     */
    private boolean settled(List<Hypothesis> done, double bestLive) {
        if (done.size() < nBest) {
            return false;
        }
        double[] scores = done.stream().mapToDouble(Hypothesis::score).sorted().toArray();
        double nthBest = scores[scores.length - nBest];
        return settings.score(bestLive, settings.maxLength()) <= nthBest;
    }

    private static <S> S releaseAndNull(DecodingModel<S> model, S state) {
        model.release(state);
        return null;
    }

    /**
     * Whether {@code words} followed by {@code next} would repeat a trigram or its last word ("is is",
     * "a race race": 7 of the Flickr8k training captions' 400,000 word pairs repeat a word, the
     * grounded decoder wrote 8 such dev captions).
     */
    static boolean repeats(int[] words, int next) {
        return repeatsTrigram(words, next) || (words.length > 0 && words[words.length - 1] == next);
    }

    /** Whether {@code words} followed by {@code next} would repeat a trigram. */
    static boolean repeatsTrigram(int[] words, int next) {
        int n = words.length;
        if (n < 2) {
            return false;
        }
        for (int i = 0; i + 2 < n; i++) {
            if (words[i] == words[n - 2] && words[i + 1] == words[n - 1] && words[i + 2] == next) {
                return true;
            }
        }
        return false;
    }

    /**
     * For each state of one image (subset of its required words met), the {@code count} best
     * (row, token) expansions into it, best first: from each beam's best {@code perBeam} allowed
     * words (its words arrive best first) and, for a beam that has not met them all, every required
     * word it has not met, from the step's {@code also} columns ({@code columnOf}: a word's column).
     */
    private List<List<Candidate>> topCandidates(DecodingModel.TopWords<?> step, int[] columnOf, int firstRow,
            List<List<Beam>> groups, RequiredWords required, int[] requiredTokens, int count, int perBeam) {
        boolean blockTrigrams = settings.blockRepeatedTrigrams();
        boolean ordered = required.ordered();
        List<PriorityQueue<Candidate>> heaps = new ArrayList<>();
        for (int s = 0; s < groups.size(); s++) {
            heaps.add(new PriorityQueue<>(Comparator.comparingDouble(Candidate::logProb)));
        }
        int row = firstRow;
        for (int s = 0; s < groups.size(); s++) {
            for (Beam beam : groups.get(s)) {
                float[] lp = step.logProbs()[row];
                int[] words = step.words()[row];
                int offered = 0;
                for (int j = 0; j < lp.length && offered < perBeam; j++) {
                    // A word that meets a new constraint is offered below, from the required columns, and does
                    // not use up this group's words.
                    if ((blockTrigrams && repeats(beam.words(), words[j])) || (s | required.mask(words[j])) != s
                            || (ordered && !required.allows(s, words[j]))
                            || (words[j] == Vocabulary.END_ID && !settings.mayEnd(beam.words()))) {
                        continue;
                    }
                    offered++;
                    offer(heaps.get(s), count, new Candidate(row, words[j], beam.logProb() + lp[j]));
                }
                for (int w : requiredTokens) {
                    int moved = s | required.mask(w);
                    if (moved != s && !settings.banned().contains(w)
                            && !(blockTrigrams && repeats(beam.words(), w)) && (!ordered || required.allows(s, w))) {
                        offer(heaps.get(moved), count, new Candidate(row, w, beam.logProb() + step.also()[row][columnOf[w]]));
                    }
                }
                row++;
            }
        }
        List<List<Candidate>> out = new ArrayList<>();
        for (PriorityQueue<Candidate> heap : heaps) {
            List<Candidate> sorted = new ArrayList<>(heap);
            sorted.sort(Comparator.comparingDouble(Candidate::logProb).reversed()
                    .thenComparingInt(Candidate::row).thenComparingInt(Candidate::token));
            out.add(sorted);
        }
        return out;
    }

    /** Adds {@code c} to a heap that keeps the {@code count} best. */
    private static void offer(PriorityQueue<Candidate> heap, int count, Candidate c) {
        if (heap.size() < count) {
            heap.add(c);
        } else if (c.logProb() > heap.peek().logProb()) {
            heap.poll();
            heap.add(c);
        }
    }
}
