package org.captioner.eval;

import java.util.List;
import org.captioner.metrics.CaptionScores;

/** The outcome of evaluating a model on one split. */
public record EvaluationResult(String dataset, String split, int beam, CaptionScores scores,
        List<ImageEvaluation> images, double seconds) {}
