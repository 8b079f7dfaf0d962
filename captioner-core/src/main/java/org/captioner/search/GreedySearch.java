package org.captioner.search;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.captioner.text.Vocabulary;

/** Picks the most likely word at every step, for a batch of images at once. */
public final class GreedySearch {

    private final SearchSettings settings;

    public GreedySearch(SearchSettings settings) {
        this.settings = settings;
    }

    public <S> List<Hypothesis> search(DecodingModel<S> model, float[][] features) {
        int n = features.length;
        List<List<Integer>> words = new ArrayList<>();
        double[] logProb = new double[n];
        boolean[] ended = new boolean[n];
        for (int i = 0; i < n; i++) {
            words.add(new ArrayList<>());
        }
        S state = model.start(features);
        int[] last = new int[n];
        Arrays.fill(last, Vocabulary.START_ID);
        // Rows stay in place (finished ones keep stepping on <end>) so the state never needs re-indexing.
        for (int t = 0; t < settings.maxLength() && !allTrue(ended); t++) {
            DecodingModel.TopWords<S> step = model.stepTop(state, last, 1, settings.banned());
            state = step.state();
            for (int i = 0; i < n; i++) {
                if (ended[i]) {
                    last[i] = Vocabulary.END_ID;
                    continue;
                }
                int best = step.words()[i][0];
                logProb[i] += step.logProbs()[i][0];
                last[i] = best;
                if (best == Vocabulary.END_ID) {
                    ended[i] = true;
                } else {
                    words.get(i).add(best);
                }
            }
        }
        model.release(state);
        List<Hypothesis> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int[] w = words.get(i).stream().mapToInt(Integer::intValue).toArray();
            int length = w.length + (ended[i] ? 1 : 0);
            out.add(new Hypothesis(w, logProb[i], settings.score(logProb[i], length), ended[i]));
        }
        return out;
    }

    private static boolean allTrue(boolean[] a) {
        for (boolean b : a) {
            if (!b) {
                return false;
            }
        }
        return true;
    }
}
