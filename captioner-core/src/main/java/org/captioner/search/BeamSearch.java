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
        int n = features.length;
        int allowed = model.vocabSize() - settings.banned().size();
        // Each beam offers its best 2×width words that trigram blocking allows (a blocked word counts as
        // impossible). A beam's last two words can have occurred at most maxLength - 2 times before, each
        // blocking one word, so asking for that many more keeps 2×width allowed words per beam: without
        // them a beam of width 1 whose two best words were both blocked died, leaving its image no caption.
        int perBeam = Math.min(2 * width, allowed);
        int candidatesPerRow = settings.blockRepeatedTrigrams()
                ? Math.min(perBeam + Math.max(0, settings.maxLength() - 2), allowed) : perBeam;
        List<List<Beam>> live = new ArrayList<>();
        List<List<Hypothesis>> finished = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            live.add(new ArrayList<>(List.of(new Beam(new int[0], 0))));
            finished.add(new ArrayList<>());
        }
        // With bonuses a caption's log-probability can still rise, and no bound says when to stop.
        boolean canStopEarly = model.neverRaisesLogProb();
        S state = model.start(features);
        int[] rowImage = new int[n];
        int[] last = new int[n];
        for (int i = 0; i < n; i++) {
            rowImage[i] = i;
        }
        Arrays.fill(last, Vocabulary.START_ID);

        for (int t = 0; t < settings.maxLength() && last.length > 0; t++) {
            // The best 2×width expansions of an image are among the best 2×width words of each of its beams.
            DecodingModel.TopWords<S> step = model.stepTop(state, last, candidatesPerRow, settings.banned());
            List<Integer> keptRows = new ArrayList<>();
            List<Integer> keptTokens = new ArrayList<>();
            List<Integer> keptImages = new ArrayList<>();
            List<List<Beam>> nextLive = new ArrayList<>();
            int row = 0;
            for (int i = 0; i < n; i++) {
                List<Beam> beams = live.get(i);
                List<Beam> survivors = new ArrayList<>();
                if (!beams.isEmpty()) {
                    List<Candidate> top = topCandidates(step, row, beams, 2 * width, perBeam,
                            settings.blockRepeatedTrigrams());
                    for (int rank = 0; rank < top.size() && survivors.size() < width; rank++) {
                        Candidate c = top.get(rank);
                        Beam parent = beams.get(c.row() - row);
                        if (c.token() == Vocabulary.END_ID) {
                            if (rank < width) {
                                finished.get(i).add(new Hypothesis(parent.words(), c.logProb(),
                                        settings.score(c.logProb(), parent.words().length + 1), true));
                            }
                            continue;
                        }
                        int[] words = Arrays.copyOf(parent.words(), parent.words().length + 1);
                        words[words.length - 1] = c.token();
                        survivors.add(new Beam(words, c.logProb()));
                        keptRows.add(c.row());
                        keptTokens.add(c.token());
                        keptImages.add(i);
                    }
                    if (canStopEarly && !survivors.isEmpty() && settled(finished.get(i), survivors.get(0).logProb())) {
                        // Nothing this image's live beams can still produce would enter its n-best: drop them.
                        int drop = survivors.size();
                        survivors.clear();
                        for (int d = 0; d < drop; d++) {
                            keptRows.remove(keptRows.size() - 1);
                            keptTokens.remove(keptTokens.size() - 1);
                            keptImages.remove(keptImages.size() - 1);
                        }
                    }
                }
                row += beams.size();
                nextLive.add(survivors);
            }
            live = nextLive;
            int[] rows = keptRows.stream().mapToInt(Integer::intValue).toArray();
            last = keptTokens.stream().mapToInt(Integer::intValue).toArray();
            rowImage = keptImages.stream().mapToInt(Integer::intValue).toArray();
            state = rows.length > 0 ? model.select(step.state(), rows) : releaseAndNull(model, step.state());
        }
        if (state != null) {
            model.release(state);
        }
        List<List<Hypothesis>> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            List<Hypothesis> all = finished.get(i);
            for (Beam b : live.get(i)) {
                // Reached the length limit without <end>: kept, marked as cut.
                all.add(new Hypothesis(b.words(), b.logProb(), settings.score(b.logProb(), b.words().length), false));
            }
            all.sort(Comparator.comparingDouble(Hypothesis::score).reversed());
            out.add(List.copyOf(all.subList(0, Math.min(nBest, all.size()))));
        }
        return out;
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
     * The {@code count} best (row, token) expansions of one image's beams, best first, from each
     * beam's best {@code perBeam} allowed words (its words arrive best first).
     */
    private static List<Candidate> topCandidates(DecodingModel.TopWords<?> step, int firstRow, List<Beam> beams,
            int count, int perBeam, boolean blockTrigrams) {
        PriorityQueue<Candidate> heap = new PriorityQueue<>(Comparator.comparingDouble(Candidate::logProb));
        for (int b = 0; b < beams.size(); b++) {
            float[] lp = step.logProbs()[firstRow + b];
            int[] words = step.words()[firstRow + b];
            double base = beams.get(b).logProb();
            int offered = 0;
            for (int j = 0; j < lp.length && offered < perBeam; j++) {
                if (blockTrigrams && repeatsTrigram(beams.get(b).words(), words[j])) {
                    continue;
                }
                offered++;
                double total = base + lp[j];
                if (heap.size() < count) {
                    heap.add(new Candidate(firstRow + b, words[j], total));
                } else if (total > heap.peek().logProb()) {
                    heap.poll();
                    heap.add(new Candidate(firstRow + b, words[j], total));
                }
            }
        }
        List<Candidate> out = new ArrayList<>(heap);
        out.sort(Comparator.comparingDouble(Candidate::logProb).reversed()
                .thenComparingInt(Candidate::row).thenComparingInt(Candidate::token));
        return out;
    }
}
