package org.captioner.metrics;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Corpus scores in the COCO evaluation's units (fractions), plus each image's own CIDEr-D; object
 * hallucination (CHAIR) and the share of distinct captions beside them.
 *
 * @param distinct distinct candidate captions (after tokenisation) over candidates: how much a
 *     model says something particular to each photo rather than one safe sentence for many
 */
public record CaptionScores(
        double bleu1, double bleu2, double bleu3, double bleu4, double rougeL, double cider,
        Map<String, Double> ciderPerImage, Map<String, Double> rougePerImage, ChairScores chair, double distinct) {

    /** {@link #asCocoMap()}, then CHAIRs, CHAIRi and distinct. */
    public Map<String, Double> asMap() {
        Map<String, Double> m = asCocoMap();
        m.putAll(chair.asMap());
        m.put("distinct", distinct);
        return m;
    }

    /** The metrics under the COCO code's names: Bleu_1..Bleu_4, ROUGE_L, CIDEr. */
    public Map<String, Double> asCocoMap() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("Bleu_1", bleu1);
        m.put("Bleu_2", bleu2);
        m.put("Bleu_3", bleu3);
        m.put("Bleu_4", bleu4);
        m.put("ROUGE_L", rougeL);
        m.put("CIDEr", cider);
        return m;
    }
}
