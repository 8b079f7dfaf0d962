package org.captioner.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.captioner.metrics.CaptionScorer;
import org.captioner.model.DecoderBlock;
import org.captioner.search.GreedySearch;
import org.captioner.search.Hypothesis;
import org.captioner.search.SearchSettings;
import org.captioner.text.Vocabulary;

/** End-of-epoch checks on the dev split: teacher-forced loss, and CIDEr of greedy captions. */
final class Validation {

    private final CaptionCorpus dev;
    private final Vocabulary vocabulary;
    private final int maxWords;

    Validation(CaptionCorpus dev, Vocabulary vocabulary, int maxWords) {
        this.dev = dev;
        this.vocabulary = vocabulary;
        this.maxWords = maxWords;
    }

    /** Mean per-token cross-entropy of the dev captions (NaN without dev captions). */
    double loss(DecoderBlock decoder, ParameterStore parameters, NDManager root) {
        if (dev.captionCount() == 0) {
            return Double.NaN;
        }
        int[] order = new int[dev.captionCount()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        double sum = 0;
        long tokens = 0;
        for (int from = 0; from < order.length; from += 128) {
            try (NDManager scratch = root.newSubManager()) {
                TeacherBatch batch = TeacherBatch.of(dev, order, from, Math.min(order.length, from + 128), scratch);
                NDArray logits = decoder.forward(parameters, new NDList(batch.features(), batch.inputs()), false)
                        .get(0);
                sum += CrossEntropyObjective.maskedLoss(logits, batch, 0).getFloat() * batch.tokens();
                tokens += batch.tokens();
            }
        }
        return sum / tokens;
    }

    /** CIDEr-D of greedy captions for the dev images against their references (NaN without dev images). */
    double cider(DecoderBlock decoder, NDManager root) {
        if (dev.imageCount() == 0) {
            return Double.NaN;
        }
        GreedySearch greedy = new GreedySearch(SearchSettings.of(maxWords, 0));
        Map<String, String> candidates = new LinkedHashMap<>();
        Map<String, List<String>> references = new LinkedHashMap<>();
        for (int from = 0; from < dev.imageCount(); from += 100) {
            int to = Math.min(dev.imageCount(), from + 100);
            float[][] feats = new float[to - from][];
            for (int i = from; i < to; i++) {
                feats[i - from] = dev.features(i);
            }
            try (NDManager scratch = root.newSubManager()) {
                List<Hypothesis> out = greedy.search(decoder.searchModel(scratch), feats);
                for (int i = from; i < to; i++) {
                    candidates.put(dev.imageId(i), vocabulary.text(out.get(i - from).words()));
                    references.put(dev.imageId(i), dev.references(i));
                }
            }
        }
        return new CaptionScorer().score(references, candidates).cider();
    }
}
