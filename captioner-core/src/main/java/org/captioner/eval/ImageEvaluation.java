package org.captioner.eval;

import java.nio.file.Path;
import java.util.List;

/**
 * One evaluated image: its generated caption (or error), references and CIDEr-D.
 *
 * @param attention where an attending decoder looked for each word of the caption (α per word over
 *     the square grid, row-major), when asked for; else null
 */
public record ImageEvaluation(String id, Path image, String caption, List<String> references, double cider,
        String error, float[][] attention) {

    public ImageEvaluation(String id, Path image, String caption, List<String> references, double cider,
            String error) {
        this(id, image, caption, references, cider, error, null);
    }
}
