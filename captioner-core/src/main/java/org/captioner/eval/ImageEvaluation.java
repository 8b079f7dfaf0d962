package org.captioner.eval;

import java.nio.file.Path;
import java.util.List;

/** One evaluated image: its generated caption (or error), references and CIDEr-D. */
public record ImageEvaluation(String id, Path image, String caption, List<String> references, double cider,
        String error) {}
