package org.captioner.bundle;

import java.util.List;
import org.captioner.encoder.EncoderIdentity;
import org.captioner.model.DecoderConfig;
import org.captioner.provenance.Provenance;

/**
 * The {@code bundle.json} of a model bundle.
 *
 * @param members further decoders over the same vocabulary, searched together with the main one
 *     as an ensemble (empty for a single model)
 */
public record BundleInfo(
        int format,
        DecoderConfig decoder,
        EncoderIdentity encoder,
        EncoderLocation encoderLocation,
        SearchDefaults search,
        Provenance provenance,
        List<EnsembleMember> members) {

    public static final int FORMAT = 1;

    /**
     * An extra decoder of an ensemble: its parameter file in the bundle, its shape, and how it was
     * trained (its own bundle's provenance; null in bundles made before members recorded it).
     */
    public record EnsembleMember(String params, DecoderConfig decoder, Provenance provenance) {}

    public BundleInfo {
        members = members == null ? List.of() : List.copyOf(members);
    }

    public BundleInfo(int format, DecoderConfig decoder, EncoderIdentity encoder, EncoderLocation encoderLocation,
            SearchDefaults search, Provenance provenance) {
        this(format, decoder, encoder, encoderLocation, search, provenance, List.of());
    }

    public BundleInfo withSearch(SearchDefaults s) {
        return new BundleInfo(format, decoder, encoder, encoderLocation, s, provenance, members);
    }

    public BundleInfo withProvenance(Provenance p) {
        return new BundleInfo(format, decoder, encoder, encoderLocation, search, p, members);
    }

    public BundleInfo withMembers(List<EnsembleMember> m) {
        return new BundleInfo(format, decoder, encoder, encoderLocation, search, provenance, m);
    }
}
