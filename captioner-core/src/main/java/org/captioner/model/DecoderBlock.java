package org.captioner.model;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.captioner.search.DecodingModel;

/**
 * What training, bundles and searches need of a caption decoder, whichever kind it is: its shape,
 * teacher-forced {@code forward((features, tokens))} whose first output is the logits
 * {@code [B,T,V]}, a search model, and weights that load from and convert for a parameter file.
 * {@link #create} makes the kind a {@link DecoderConfig} describes.
 */
public abstract class DecoderBlock extends AbstractBlock {

    private final DecoderConfig config;

    protected DecoderBlock(byte version, DecoderConfig config) {
        super(version);
        this.config = config;
    }

    /** The decoder a config describes: {@link AttentionDecoder} when it attends, else {@link CaptionDecoder}. */
    public static DecoderBlock create(DecoderConfig config) {
        return config.attends() ? new AttentionDecoder(config, config.attentionSize()) : new CaptionDecoder(config);
    }

    public DecoderConfig config() {
        return config;
    }

    /** Builds and initialises the parameters (random). */
    public abstract void initialize(NDManager manager);

    /** The decoder under the searches; one per search (it keeps per-search state). */
    public abstract DecodingModel<?> searchModel(NDManager root);

    /**
     * Replaces this decoder's weights with those saved in {@code params} (a {@code decoder.params}
     * file of a bundle or checkpoint); any failure is an IOException naming the file.
     */
    public void loadParameters(NDManager manager, Path params) throws IOException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(params)))) {
            loadParameters(manager, in);
            // Weights may be stored as float16 (half the bundle); search and training compute in float32.
            convertWeights(manager, DataType.FLOAT32);
        } catch (IOException | MalformedModelException | RuntimeException e) {
            throw new IOException("cannot load decoder parameters from " + params + ": " + e.getMessage(), e);
        }
    }

    /**
     * Changes the type every weight is held in, e.g. to float16 before saving a smaller bundle.
     * Loading converts back to float32.
     */
    public void convertWeights(NDManager manager, DataType type) {
        for (Parameter p : getParameters().values()) {
            NDArray held = p.getArray();
            if (held.getDataType() == type) {
                continue;
            }
            NDArray converted = held.toType(type, false);
            p.close();
            // A Parameter takes no new array once it has had one; as its initial value it does.
            p.setInitializer((m, shape, dataType) -> converted);
            p.initialize(manager, type);
        }
    }
}
