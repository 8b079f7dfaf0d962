package org.captioner.model;

import ai.djl.ndarray.NDManager;
import java.util.List;
import org.captioner.search.DecodingModel;

/**
 * An inference-only form of a bundle's decoders that searches faster than the trained blocks do and
 * gives the same log-probabilities: {@link StackedDecoders} for Show-and-Tell decoders,
 * {@link StackedAttentionDecoders} for attention decoders.
 */
public interface FastDecoders extends AutoCloseable {

    /** A model for one search on one thread; its arrays live in {@code root} and are freed as it goes. */
    DecodingModel<?> searchModel(NDManager root);

    @Override
    void close();

    /** The fast form of {@code decoders}, or null when they cannot be stacked (mixed kinds or sizes). */
    static FastDecoders of(List<? extends DecoderBlock> decoders, NDManager parent) {
        if (StackedDecoders.canStack(decoders)) {
            return new StackedDecoders(decoders, parent);
        }
        if (StackedAttentionDecoders.canStack(decoders)) {
            return new StackedAttentionDecoders(decoders, parent);
        }
        return null;
    }
}
