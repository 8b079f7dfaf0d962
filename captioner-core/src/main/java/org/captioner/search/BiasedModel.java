package org.captioner.search;

import java.util.Arrays;
import java.util.BitSet;
import java.util.Set;

/**
 * A language model whose next-word log-probabilities carry per-image {@link WordBiases}.
 * With penalties only, ranking stays on the wrapped model's device: with {@code p} biased words,
 * the best {@code k} words after penalties are always among the best {@code k + p} before them
 * (penalties only lower scores), so it asks for {@code k + p}, penalises, and keeps {@code k}. A
 * bonus can lift a word from anywhere in the vocabulary, so with bonuses whole rows are ranked.
 *
 * @param <S> the wrapped model's state
 */
public final class BiasedModel<S> implements DecodingModel<BiasedModel.State<S>> {

    /**
     * The wrapped state; for each of its rows, the image it belongs to and the word groups its
     * caption already names (a bonus is paid once per caption, or it would pay to repeat the object).
     */
    public record State<S>(S inner, int[] rowImage, BitSet[] used) {}

    private final DecodingModel<S> inner;
    private final WordBiases biases;
    private final int[] column;
    private final boolean bonus;

    public BiasedModel(DecodingModel<S> inner, WordBiases biases) {
        this.inner = inner;
        this.biases = biases;
        this.bonus = biases.hasBonus();
        this.column = new int[inner.vocabSize()];
        Arrays.fill(column, -1);
        for (int j = 0; j < biases.words().length; j++) {
            column[biases.words()[j]] = j;
        }
    }

    @Override
    public int vocabSize() {
        return inner.vocabSize();
    }

    @Override
    public State<S> start(float[][] features) {
        if (features.length != biases.perImage().length) {
            throw new IllegalArgumentException(features.length + " images but biases for "
                    + biases.perImage().length);
        }
        int[] rows = new int[features.length];
        Arrays.setAll(rows, i -> i);
        BitSet[] used = new BitSet[features.length];
        Arrays.setAll(used, i -> new BitSet());
        return new State<>(inner.start(features), rows, used);
    }

    @Override
    public Step<State<S>> step(State<S> state, int[] lastTokens) {
        BitSet[] used = markUsed(state, lastTokens);
        Step<S> step = inner.step(state.inner(), lastTokens);
        float[][] logProbs = step.logProbs();
        for (int r = 0; r < logProbs.length; r++) {
            float[] row = biases.perImage()[state.rowImage()[r]];
            for (int j = 0; j < row.length; j++) {
                logProbs[r][biases.words()[j]] += bias(row[j], used[r], biases.groups()[j]);
            }
        }
        return new Step<>(logProbs, new State<>(step.state(), state.rowImage(), used));
    }

    /** A penalty always applies; a bonus only while the caption names nothing of the word's group yet. */
    private static float bias(float b, BitSet used, int group) {
        return b > 0 && used.get(group) ? 0f : b;
    }

    /** The rows' used words, with the words just fed in ({@code lastTokens}) added. */
    private BitSet[] markUsed(State<S> state, int[] lastTokens) {
        BitSet[] used = new BitSet[lastTokens.length];
        for (int r = 0; r < lastTokens.length; r++) {
            used[r] = state.used()[r];
            int j = column[lastTokens[r]];
            if (bonus && j >= 0 && !used[r].get(biases.groups()[j])) {
                used[r] = (BitSet) used[r].clone();
                used[r].set(biases.groups()[j]);
            }
        }
        return used;
    }

    @Override
    public boolean neverRaisesLogProb() {
        return !bonus && inner.neverRaisesLogProb();
    }

    @Override
    public TopWords<State<S>> stepTop(State<S> state, int[] lastTokens, int k, Set<Integer> banned) {
        if (bonus) {
            return DecodingModel.super.stepTop(state, lastTokens, k, banned);
        }
        return rerank(state, inner.stepTop(state.inner(), lastTokens, ask(k, banned), banned), k);
    }

    @Override
    public TopWords<State<S>> stepTop(State<S> state, int[] lastTokens, int k, Set<Integer> banned, int[] also) {
        if (bonus) {
            return DecodingModel.super.stepTop(state, lastTokens, k, banned, also);
        }
        TopWords<S> top = inner.stepTop(state.inner(), lastTokens, ask(k, banned), banned, also);
        float[][] columns = new float[top.also().length][];
        for (int r = 0; r < columns.length; r++) {
            float[] row = biases.perImage()[state.rowImage()[r]];
            columns[r] = top.also()[r].clone();
            for (int j = 0; j < also.length; j++) {
                columns[r][j] += penalty(row, also[j]);
            }
        }
        return rerank(state, top, k).with(columns);
    }

    /** Word {@code w}'s penalty in an image's row of biases (0 for a word without one). */
    private float penalty(float[] row, int w) {
        return column[w] >= 0 ? row[column[w]] : 0f;
    }

    /** How many of the wrapped model's best words hold the best {@code k} after penalties. */
    private int ask(int k, Set<Integer> banned) {
        return Math.min(k + biases.words().length, inner.vocabSize() - banned.size());
    }

    /** The wrapped model's best words with the penalties added, ranked again, the best {@code k} kept. */
    private TopWords<State<S>> rerank(State<S> state, TopWords<S> top, int k) {
        BitSet[] used = state.used();
        int rows = top.words().length;
        int[][] words = new int[rows][];
        float[][] best = new float[rows][];
        for (int r = 0; r < rows; r++) {
            float[] row = biases.perImage()[state.rowImage()[r]];
            int n = top.words()[r].length;
            Integer[] order = new Integer[n];
            float[] scores = new float[n];
            for (int j = 0; j < n; j++) {
                int w = top.words()[r][j];
                scores[j] = top.logProbs()[r][j] + penalty(row, w);
                order[j] = j;
            }
            // Stable: equal scores keep the wrapped model's order.
            Arrays.sort(order, (a, b) -> Float.compare(scores[b], scores[a]));
            int keep = Math.min(k, n);
            words[r] = new int[keep];
            best[r] = new float[keep];
            for (int j = 0; j < keep; j++) {
                words[r][j] = top.words()[r][order[j]];
                best[r][j] = scores[order[j]];
            }
        }
        return new TopWords<>(words, best, new State<>(top.state(), state.rowImage(), used));
    }

    @Override
    public State<S> select(State<S> state, int[] rows) {
        int[] images = new int[rows.length];
        BitSet[] used = new BitSet[rows.length];
        for (int i = 0; i < rows.length; i++) {
            images[i] = state.rowImage()[rows[i]];
            used[i] = state.used()[rows[i]];
        }
        return new State<>(inner.select(state.inner(), rows), images, used);
    }

    @Override
    public void release(State<S> state) {
        inner.release(state.inner());
    }
}
