package org.captioner.search;

import java.util.ArrayList;
import java.util.List;

/**
 * Several decoders over the same vocabulary searched as one: the next-word distribution is the
 * mean of the members' log-probabilities (a product of experts), a cheap and reliable gain.
 */
public final class EnsembleModel implements DecodingModel<List<Object>> {

    private final List<DecodingModel<Object>> members;

    @SuppressWarnings("unchecked")
    public EnsembleModel(List<? extends DecodingModel<?>> members) {
        if (members.isEmpty()) {
            throw new IllegalArgumentException("an ensemble needs at least one member");
        }
        int v = members.get(0).vocabSize();
        for (DecodingModel<?> m : members) {
            if (m.vocabSize() != v) {
                throw new IllegalArgumentException("ensemble members must share a vocabulary");
            }
        }
        this.members = new ArrayList<>();
        members.forEach(m -> this.members.add((DecodingModel<Object>) m));
    }

    @Override
    public int vocabSize() {
        return members.get(0).vocabSize();
    }

    @Override
    public List<Object> start(float[][] features) {
        List<Object> states = new ArrayList<>();
        members.forEach(m -> states.add(m.start(features)));
        return states;
    }

    @Override
    public Step<List<Object>> step(List<Object> state, int[] lastTokens) {
        float[][] sum = null;
        List<Object> next = new ArrayList<>();
        for (int i = 0; i < members.size(); i++) {
            Step<Object> s = members.get(i).step(state.get(i), lastTokens);
            next.add(s.state());
            if (sum == null) {
                sum = s.logProbs();
            } else {
                for (int r = 0; r < sum.length; r++) {
                    for (int w = 0; w < sum[r].length; w++) {
                        sum[r][w] += s.logProbs()[r][w];
                    }
                }
            }
        }
        float scale = 1f / members.size();
        float[][] mean = sum;
        // Renormalise the averaged log-probabilities so scores stay comparable across steps.
        for (float[] row : mean) {
            double max = Double.NEGATIVE_INFINITY;
            for (int w = 0; w < row.length; w++) {
                row[w] *= scale;
                max = Math.max(max, row[w]);
            }
            double z = 0;
            for (float x : row) {
                z += Math.exp(x - max);
            }
            float log = (float) (max + Math.log(z));
            for (int w = 0; w < row.length; w++) {
                row[w] -= log;
            }
        }
        return new Step<>(mean, next);
    }

    @Override
    public List<Object> select(List<Object> state, int[] rows) {
        List<Object> out = new ArrayList<>();
        for (int i = 0; i < members.size(); i++) {
            out.add(members.get(i).select(state.get(i), rows));
        }
        return out;
    }

    @Override
    public void release(List<Object> state) {
        for (int i = 0; i < members.size(); i++) {
            members.get(i).release(state.get(i));
        }
    }
}
