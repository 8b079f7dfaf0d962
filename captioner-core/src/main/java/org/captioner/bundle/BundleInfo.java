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
 * @param encoderVariants other encoders whose features these decoders were measured on and accept
 *     (e.g. the int8 or ONNX form of the same network), chosen by name with {@code --encoder NAME};
 *     empty when the bundle runs with its own encoder only
 */
public record BundleInfo(
        int format,
        DecoderConfig decoder,
        EncoderIdentity encoder,
        EncoderLocation encoderLocation,
        SearchDefaults search,
        Provenance provenance,
        List<EnsembleMember> members,
        List<EncoderVariant> encoderVariants) {

    public static final int FORMAT = 1;

    /**
     * An extra decoder of an ensemble: its parameter file in the bundle, its shape, and how it was
     * trained (its own bundle's provenance; null in bundles made before members recorded it).
     */
    public record EnsembleMember(String params, DecoderConfig decoder, Provenance provenance) {}

    /**
     * An encoder the bundle may run with instead of its own: a file in the bundle folder, its
     * identity (features from it are kept apart from the main encoder's in every cache), how the
     * bundle's decoders scored on its features, measured when it was added, and whether it was the
     * bundle's own encoder before another took its place ({@link #withOwnEncoder}; the bundle's
     * classifier files may have been made on its features).
     */
    public record EncoderVariant(String name, String fileName, EncoderIdentity identity, String measured,
            boolean formerOwn) {

        /** A variant that was never the bundle's own encoder. */
        public EncoderVariant(String name, String fileName, EncoderIdentity identity, String measured) {
            this(name, fileName, identity, measured, false);
        }
    }

    public BundleInfo {
        members = members == null ? List.of() : List.copyOf(members);
        encoderVariants = encoderVariants == null ? List.of() : List.copyOf(encoderVariants);
    }

    public BundleInfo(int format, DecoderConfig decoder, EncoderIdentity encoder, EncoderLocation encoderLocation,
            SearchDefaults search, Provenance provenance) {
        this(format, decoder, encoder, encoderLocation, search, provenance, List.of(), List.of());
    }

    /** The variant called {@code name}, or null. */
    public EncoderVariant encoderVariant(String name) {
        return encoderVariants.stream().filter(v -> v.name().equals(name)).findFirst().orElse(null);
    }

    /** This bundle without encoder variants (an ensemble's were measured with one member only). */
    public BundleInfo withoutEncoderVariants() {
        return new BundleInfo(format, decoder, encoder, encoderLocation, search, provenance, members, List.of());
    }

    /** This bundle with {@code variant} added, replacing one of the same name where it stands (the variants keep their order). */
    public BundleInfo withEncoderVariant(EncoderVariant variant) {
        List<EncoderVariant> all = new java.util.ArrayList<>(encoderVariants);
        int at = java.util.stream.IntStream.range(0, all.size()).filter(k -> all.get(k).name().equals(variant.name()))
                .findFirst().orElse(-1);
        if (at >= 0) {
            all.set(at, variant);
        } else {
            all.add(variant);
        }
        return new BundleInfo(format, decoder, encoder, encoderLocation, search, provenance, members, all);
    }

    /**
     * This bundle running variant {@code name} as its own encoder, its own encoder until now kept as
     * variant {@code formerName} (a file in the bundle folder, as every variant is) with {@code
     * formerMeasured} saying what it was. Both stay accepted: features from either are kept apart in
     * every cache by their identities, and the decoders were measured on both.
     */
    public BundleInfo withOwnEncoder(String name, String formerName, String formerMeasured) {
        EncoderVariant chosen = encoderVariant(name);
        if (chosen == null) {
            throw new IllegalArgumentException("no encoder variant " + name);
        }
        if (formerName.equals(name) || encoderVariant(formerName) != null) {
            throw new IllegalArgumentException("encoder variant " + formerName + " exists already");
        }
        if (encoderLocation == null || encoderLocation.fileName() == null || encoder.sha256() == null) {
            throw new IllegalArgumentException("the bundle's own encoder is not a file with a sha256, so it cannot be"
                    + " kept as a variant");
        }
        List<EncoderVariant> all = new java.util.ArrayList<>(encoderVariants);
        all.remove(chosen);
        all.add(new EncoderVariant(formerName, encoderLocation.fileName(), new EncoderIdentity(encoder.name(),
                encoder.sha256(), null, encoder.preprocessing(), encoder.featureSize()), formerMeasured, true));
        return new BundleInfo(format, decoder, chosen.identity(), new EncoderLocation(chosen.fileName(), null), search,
                provenance, members, all);
    }

    public BundleInfo withSearch(SearchDefaults s) {
        return new BundleInfo(format, decoder, encoder, encoderLocation, s, provenance, members, encoderVariants);
    }

    public BundleInfo withProvenance(Provenance p) {
        return new BundleInfo(format, decoder, encoder, encoderLocation, search, p, members, encoderVariants);
    }

    public BundleInfo withMembers(List<EnsembleMember> m) {
        return new BundleInfo(format, decoder, encoder, encoderLocation, search, provenance, m, encoderVariants);
    }
}
