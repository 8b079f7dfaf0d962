package org.captioner.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.captioner.text.PtbTokenizer;

/**
 * Scores candidate captions against references the way the COCO caption evaluation does: PTB
 * tokenisation with punctuation removed, then BLEU-1..4, ROUGE-L and CIDEr-D over the images of
 * the candidates; CHAIR object hallucination against the same references ({@link Chair}). METEOR and
 * SPICE are not computed (they need data and jars not available here).
 */
public final class CaptionScorer {

    private final PtbTokenizer tokenizer = PtbTokenizer.get();

    /**
     * @param references raw reference captions per image id
     * @param candidates one raw candidate caption per image id; every id must have references
     */
    public CaptionScores score(Map<String, List<String>> references, Map<String, String> candidates) {
        if (candidates.isEmpty()) {
            throw new IllegalArgumentException("no candidate captions to score");
        }
        Bleu bleu = new Bleu();
        CiderD cider = new CiderD();
        Map<String, Double> rouge = new LinkedHashMap<>();
        List<String> ids = new ArrayList<>();
        double rougeSum = 0;
        for (Map.Entry<String, String> e : candidates.entrySet()) {
            List<String> refs = references.get(e.getKey());
            if (refs == null || refs.isEmpty()) {
                throw new IllegalArgumentException("image " + e.getKey() + " has a candidate caption but no references");
            }
            String cand = tokenizer.normalize(e.getValue());
            List<String> tokenizedRefs = refs.stream().map(tokenizer::normalize).toList();
            bleu.add(cand, tokenizedRefs);
            cider.add(cand, tokenizedRefs);
            double r = RougeL.score(cand, tokenizedRefs);
            rouge.put(e.getKey(), r);
            rougeSum += r;
            ids.add(e.getKey());
        }
        double[] b = bleu.scores();
        double[] c = cider.scores();
        Map<String, Double> ciderPerImage = new LinkedHashMap<>();
        double ciderSum = 0;
        for (int i = 0; i < ids.size(); i++) {
            ciderPerImage.put(ids.get(i), c[i]);
            ciderSum += c[i];
        }
        long distinct = candidates.values().stream().map(tokenizer::normalize).distinct().count();
        return new CaptionScores(b[0], b[1], b[2], b[3], rougeSum / ids.size(), ciderSum / ids.size(),
                ciderPerImage, rouge, Chair.standard().score(references, candidates), (double) distinct / ids.size());
    }
}
