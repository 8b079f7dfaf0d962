package org.captioner.model;

/**
 * The decoder's shape. Immutable and validated on construction; saved in every bundle.
 *
 * @param vocabSize words in the vocabulary, special tokens included
 * @param featureSize length of the image feature vector (the encoder's output)
 * @param embedSize word embedding width
 * @param hiddenSize LSTM state width (h and c)
 * @param numLayers stacked LSTM layers, 1 or 2
 * @param dropout dropout on embeddings, between LSTM layers and before the output layer, in [0, 1)
 * @param attentionSize 0 for the Show-and-Tell decoder ({@link CaptionDecoder}, one pooled vector
 *     per image); above 0, the width of the soft attention of the Show-Attend-and-Tell decoder
 *     ({@link AttentionDecoder}), whose images are grids of regions of {@code featureSize} values
 */
public record DecoderConfig(
        int vocabSize, int featureSize, int embedSize, int hiddenSize, int numLayers, double dropout,
        int attentionSize) {

    public DecoderConfig {
        if (vocabSize < 5) {
            throw new IllegalArgumentException("vocabSize must be at least 5 (4 special tokens + 1 word), got " + vocabSize);
        }
        if (featureSize < 1 || embedSize < 1 || hiddenSize < 1) {
            throw new IllegalArgumentException("featureSize, embedSize and hiddenSize must be positive");
        }
        if (numLayers < 1 || numLayers > 2) {
            throw new IllegalArgumentException("numLayers must be 1 or 2, got " + numLayers);
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
        }
        if (attentionSize < 0) {
            throw new IllegalArgumentException("attentionSize must be 0 (no attention) or positive, got " + attentionSize);
        }
        if (attentionSize > 0 && numLayers != 1) {
            throw new IllegalArgumentException("the attention decoder has one LSTM layer, not " + numLayers);
        }
    }

    /** A Show-and-Tell decoder's shape (no attention). */
    public DecoderConfig(int vocabSize, int featureSize, int embedSize, int hiddenSize, int numLayers, double dropout) {
        this(vocabSize, featureSize, embedSize, hiddenSize, numLayers, dropout, 0);
    }

    /** Whether this is the attention decoder's shape. */
    public boolean attends() {
        return attentionSize > 0;
    }

    /** The same decoder with soft attention of width {@code size} (0: none). */
    public DecoderConfig withAttention(int size) {
        return new DecoderConfig(vocabSize, featureSize, embedSize, hiddenSize, numLayers, dropout, size);
    }

    /** Show-and-Tell sizes: 512-d embedding and state, one layer, dropout 0.5. */
    public static DecoderConfig defaults(int vocabSize, int featureSize) {
        return new DecoderConfig(vocabSize, featureSize, 512, 512, 1, 0.5);
    }

    public DecoderConfig withSizes(int embed, int hidden, int layers, double drop) {
        return new DecoderConfig(vocabSize, featureSize, embed, hidden, layers, drop, attentionSize);
    }
}
