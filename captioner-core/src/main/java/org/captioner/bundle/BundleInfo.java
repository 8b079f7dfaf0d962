package org.captioner.bundle;

import org.captioner.encoder.EncoderIdentity;
import org.captioner.model.DecoderConfig;

/** The {@code bundle.json} of a model bundle. */
public record BundleInfo(
        int format,
        DecoderConfig decoder,
        EncoderIdentity encoder,
        EncoderLocation encoderLocation,
        SearchDefaults search,
        Provenance provenance) {

    public static final int FORMAT = 1;

    public BundleInfo withSearch(SearchDefaults s) {
        return new BundleInfo(format, decoder, encoder, encoderLocation, s, provenance);
    }

    public BundleInfo withProvenance(Provenance p) {
        return new BundleInfo(format, decoder, encoder, encoderLocation, search, p);
    }
}
