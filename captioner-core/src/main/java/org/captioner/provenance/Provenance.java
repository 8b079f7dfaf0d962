package org.captioner.provenance;

import java.util.List;
import java.util.Map;

/**
 * How a bundle was made: data, split, settings, results and code version.
 *
 * @param metrics named scores, e.g. {@code dev.CIDEr}, {@code test.beam3.Bleu_4}
 * @param startedFrom the provenance of the bundle whose weights the run started from ({@code --init-from}),
 *     so a fine-tuned model still says how its starting point was trained; null for a run from scratch
 */
public record Provenance(
        String dataset,
        String split,
        int trainImages,
        int trainCaptions,
        TrainingSettings settings,
        int bestEpoch,
        double trainingSeconds,
        List<EpochRecord> history,
        Map<String, Double> metrics,
        String codeVersion,
        String createdAt,
        Provenance startedFrom) {

    public Provenance {
        history = history == null ? List.of() : List.copyOf(history);
        // Insertion order kept, so bundle.json lists metrics as they were recorded.
        metrics = metrics == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(metrics));
    }

    /** The same record with other metrics (e.g. scores added by {@code evaluate --record}). */
    public Provenance withMetrics(Map<String, Double> m) {
        return new Provenance(dataset, split, trainImages, trainCaptions, settings, bestEpoch, trainingSeconds,
                history, m, codeVersion, createdAt, startedFrom);
    }

    /** The commit the launcher passes as {@code -Dcaptioner.commit}, or "unknown". */
    public static String currentCodeVersion() {
        return System.getProperty("captioner.commit", "unknown");
    }
}
