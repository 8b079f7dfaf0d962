package org.captioner.metrics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * CIDEr-D (σ = 6, clipped counts, ×10) as the COCO caption evaluation computes it, with document
 * frequencies taken from the references of the evaluated set. Faithful to that code in one
 * quirk that changes scores: the length used by the Gaussian penalty counts bigrams, not words.
 */
public final class CiderD {

    private static final int N = 4;
    private static final double SIGMA = 6.0;

    private final List<Map<String, Integer>> candidates = new ArrayList<>();
    private final List<List<Map<String, Integer>>> references = new ArrayList<>();

    /** Adds one image: its tokenised candidate and tokenised references. */
    public void add(String candidate, List<String> refs) {
        candidates.add(NGrams.count(NGrams.words(candidate), N));
        List<Map<String, Integer>> r = new ArrayList<>();
        for (String ref : refs) {
            r.add(NGrams.count(NGrams.words(ref), N));
        }
        references.add(r);
    }

    /** Per-image CIDEr-D, in the order added. Their mean is the corpus score. */
    public double[] scores() {
        Map<String, Integer> documentFrequency = documentFrequency(references);
        double refLen = Math.log(references.size());
        double[] out = new double[candidates.size()];
        for (int i = 0; i < candidates.size(); i++) {
            List<Vec> refs = new ArrayList<>();
            references.get(i).forEach(ref -> refs.add(vector(ref, documentFrequency, refLen)));
            out[i] = score(vector(candidates.get(i), documentFrequency, refLen), refs);
        }
        return out;
    }

    /** CIDEr-D of one candidate: its similarity to each reference, averaged over n-gram orders and references, ×10. */
    private static double score(Vec cand, List<Vec> refs) {
        double[] score = new double[N];
        for (Vec r : refs) {
            double[] sim = similarity(cand, r);
            for (int n = 0; n < N; n++) {
                score[n] += sim[n];
            }
        }
        double mean = 0;
        for (double s : score) {
            mean += s;
        }
        mean /= N;
        return mean / refs.size() * 10.0;
    }

    public double score() {
        double[] s = scores();
        double sum = 0;
        for (double v : s) {
            sum += v;
        }
        return s.length == 0 ? 0 : sum / s.length;
    }

    /** In how many images' reference sets each n-gram occurs. */
    private static Map<String, Integer> documentFrequency(List<List<Map<String, Integer>>> references) {
        Map<String, Integer> documentFrequency = new HashMap<>();
        for (List<Map<String, Integer>> refs : references) {
            java.util.Set<String> seen = new java.util.HashSet<>();
            refs.forEach(r -> seen.addAll(r.keySet()));
            seen.forEach(g -> documentFrequency.merge(g, 1, Integer::sum));
        }
        return documentFrequency;
    }

    /**
     * CIDEr-D of one caption at a time against a fixed reference corpus, for self-critical training:
     * document frequencies and reference vectors are computed once, so scoring a sampled caption
     * costs only its own n-grams. Equal to {@link CiderD#scores()} when the evaluated set is the corpus.
     */
    public static final class Fixed {
        private final Map<String, Integer> documentFrequency;
        private final double refLen;
        private final List<List<Vec>> referenceVectors = new ArrayList<>();

        /** {@code references.get(i)}: the tokenised references of image {@code i}. */
        public Fixed(List<List<String>> references) {
            List<List<Map<String, Integer>>> counts = new ArrayList<>();
            for (List<String> refs : references) {
                List<Map<String, Integer>> r = new ArrayList<>();
                refs.forEach(ref -> r.add(NGrams.count(NGrams.words(ref), N)));
                counts.add(r);
            }
            this.documentFrequency = documentFrequency(counts);
            this.refLen = Math.log(counts.size());
            for (List<Map<String, Integer>> refs : counts) {
                List<Vec> v = new ArrayList<>();
                refs.forEach(r -> v.add(vector(r, documentFrequency, refLen)));
                referenceVectors.add(v);
            }
        }

        public int imageCount() {
            return referenceVectors.size();
        }

        /** CIDEr-D of a tokenised {@code candidate} for image {@code image}. */
        public double score(int image, String candidate) {
            List<Vec> refs = referenceVectors.get(image);
            return refs.isEmpty() ? 0
                    : CiderD.score(vector(NGrams.count(NGrams.words(candidate), N), documentFrequency, refLen), refs);
        }
    }

    private record Vec(List<Map<String, Double>> weights, double[] norms, int length) {}

    private static Vec vector(Map<String, Integer> counts, Map<String, Integer> df, double refLen) {
        List<Map<String, Double>> weights = new ArrayList<>();
        for (int n = 0; n < N; n++) {
            weights.add(new HashMap<>());
        }
        double[] norms = new double[N];
        int length = 0;
        for (Map.Entry<String, Integer> e : counts.entrySet()) {
            double d = Math.log(Math.max(1.0, df.getOrDefault(e.getKey(), 0)));
            int n = NGrams.order(e.getKey()) - 1;
            double w = e.getValue() * (refLen - d);
            weights.get(n).put(e.getKey(), w);
            norms[n] += w * w;
            if (n == 1) {
                length += e.getValue();
            }
        }
        for (int n = 0; n < N; n++) {
            norms[n] = Math.sqrt(norms[n]);
        }
        return new Vec(weights, norms, length);
    }

    private static double[] similarity(Vec hyp, Vec ref) {
        double delta = hyp.length() - ref.length();
        double[] val = new double[N];
        for (int n = 0; n < N; n++) {
            Map<String, Double> refWeights = ref.weights().get(n);
            for (Map.Entry<String, Double> e : hyp.weights().get(n).entrySet()) {
                double r = refWeights.getOrDefault(e.getKey(), 0.0);
                val[n] += Math.min(e.getValue(), r) * r;
            }
            if (hyp.norms()[n] != 0 && ref.norms()[n] != 0) {
                val[n] /= hyp.norms()[n] * ref.norms()[n];
            }
            val[n] *= Math.exp(-(delta * delta) / (2 * SIGMA * SIGMA));
        }
        return val;
    }
}
