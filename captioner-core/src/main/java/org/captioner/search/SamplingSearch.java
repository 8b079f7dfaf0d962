package org.captioner.search;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.captioner.text.Vocabulary;

/**
 * Draws captions word by word from the model's distribution sharpened or flattened by a
 * temperature, for diverse captions. Seeded: the same seed gives the same captions.
 */
public final class SamplingSearch {

    private final SearchSettings settings;
    private final double temperature;
    private final long seed;

    public SamplingSearch(SearchSettings settings, double temperature, long seed) {
        if (!(temperature > 0)) {
            throw new IllegalArgumentException("temperature must be positive, got " + temperature);
        }
        this.settings = settings;
        this.temperature = temperature;
        this.seed = seed;
    }

    /** {@code samples} captions per image, in draw order (scored with the model's log-probability). */
    public <S> List<List<Hypothesis>> search(DecodingModel<S> model, float[][] features, int samples) {
        int n = features.length;
        float[][] repeated = new float[n * samples][];
        for (int i = 0; i < n; i++) {
            for (int s = 0; s < samples; s++) {
                repeated[i * samples + s] = features[i];
            }
        }
        int rows = repeated.length;
        SplittableRandom random = new SplittableRandom(seed);
        List<List<Integer>> words = new ArrayList<>();
        for (int r = 0; r < rows; r++) {
            words.add(new ArrayList<>());
        }
        double[] logProb = new double[rows];
        boolean[] ended = new boolean[rows];
        int[] last = new int[rows];
        Arrays.fill(last, Vocabulary.START_ID);
        S state = model.start(repeated);
        for (int t = 0; t < settings.maxLength(); t++) {
            DecodingModel.Step<S> step = model.step(state, last);
            state = step.state();
            boolean open = false;
            for (int r = 0; r < rows; r++) {
                if (ended[r]) {
                    last[r] = Vocabulary.END_ID;
                    continue;
                }
                int w = draw(step.logProbs()[r], random);
                logProb[r] += step.logProbs()[r][w];
                last[r] = w;
                if (w == Vocabulary.END_ID) {
                    ended[r] = true;
                } else {
                    words.get(r).add(w);
                    open = true;
                }
            }
            if (!open) {
                break;
            }
        }
        model.release(state);
        List<List<Hypothesis>> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            List<Hypothesis> mine = new ArrayList<>();
            for (int s = 0; s < samples; s++) {
                int r = i * samples + s;
                int[] w = words.get(r).stream().mapToInt(Integer::intValue).toArray();
                mine.add(new Hypothesis(w, logProb[r], settings.score(logProb[r], w.length + (ended[r] ? 1 : 0)), ended[r]));
            }
            out.add(mine);
        }
        return out;
    }

    private int draw(float[] logProbs, SplittableRandom random) {
        double max = Double.NEGATIVE_INFINITY;
        for (int w = 0; w < logProbs.length; w++) {
            if (!settings.banned().contains(w)) {
                max = Math.max(max, logProbs[w] / temperature);
            }
        }
        double[] p = new double[logProbs.length];
        double sum = 0;
        for (int w = 0; w < logProbs.length; w++) {
            if (!settings.banned().contains(w)) {
                p[w] = Math.exp(logProbs[w] / temperature - max);
                sum += p[w];
            }
        }
        double u = random.nextDouble() * sum;
        for (int w = 0; w < p.length; w++) {
            u -= p[w];
            if (u <= 0 && p[w] > 0) {
                return w;
            }
        }
        return Vocabulary.END_ID;
    }
}
