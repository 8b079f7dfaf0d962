package org.captioner.metrics;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The result of {@link Chair#score}: object hallucination against the reference captions.
 * Rates are fractions (0.033 = 3.3 %); lower is better.
 *
 * @param chairS captionsWithHallucination / captions
 * @param chairI hallucinated / mentioned (0 when no caption names any object class)
 * @param captions candidate captions scored (those naming no object count here too)
 * @param captionsWithHallucination captions naming at least one class their references do not
 * @param mentioned (caption, class) pairs: each caption's distinct classes, summed over captions
 * @param hallucinated those of {@code mentioned} that no reference of the image names
 * @param hallucinationsByClass per class, the captions that hallucinate it; only classes hallucinated
 *     at least once, most first (ties by name)
 * @param mentionsByClass per class, the captions that name it; most first (ties by name)
 * @param hallucinatedPerImage every candidate's image id (in the candidates' order) to the classes its
 *     caption hallucinates, in order of mention; empty when none
 */
public record ChairScores(
        double chairS, double chairI, int captions, int captionsWithHallucination, int mentioned,
        int hallucinated, Map<String, Integer> hallucinationsByClass, Map<String, Integer> mentionsByClass,
        Map<String, List<String>> hallucinatedPerImage) {

    /** The {@code n} most hallucinated classes with their counts, most first. */
    public Map<String, Integer> mostHallucinated(int n) {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (Map.Entry<String, Integer> e : hallucinationsByClass.entrySet()) {
            if (out.size() >= n) {
                break;
            }
            out.put(e.getKey(), e.getValue());
        }
        return out;
    }

    /** The two rates under the paper's names, {@code CHAIRs} and {@code CHAIRi}, for metrics.json. */
    public Map<String, Double> asMap() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("CHAIRs", chairS);
        m.put("CHAIRi", chairI);
        return m;
    }
}
