package org.captioner.encoder;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * What makes two encoders produce the same features: the network (file sha256, or zoo id / URL
 * when no file hash is known), the preprocessing, and the feature size. Recorded in feature
 * caches and model bundles so features and decoders are never mixed across encoders.
 *
 * @param name a human name, e.g. the file name or zoo id
 * @param sha256 hex sha256 of the TorchScript file, or null when loaded from a zoo without a file
 * @param origin where it was loaded from this time (informational, not part of the identity)
 */
public record EncoderIdentity(
        String name, String sha256, String origin, Preprocessing preprocessing, int featureSize) {

    public EncoderIdentity {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(preprocessing, "preprocessing");
        if (featureSize <= 0) {
            throw new IllegalArgumentException("featureSize must be positive");
        }
    }

    /** Whether features from {@code other} can be fed to a decoder trained on this encoder. */
    public boolean compatibleWith(EncoderIdentity other) {
        boolean sameNetwork = sha256 != null && other.sha256 != null
                ? sha256.equalsIgnoreCase(other.sha256)
                : name.equals(other.name);
        return sameNetwork && preprocessing.equals(other.preprocessing) && featureSize == other.featureSize;
    }

    /** Differences from {@code other}, for error messages. */
    public String differences(EncoderIdentity other) {
        StringBuilder sb = new StringBuilder();
        if (sha256 != null && other.sha256 != null && !sha256.equalsIgnoreCase(other.sha256)) {
            sb.append("network sha256 ").append(sha256, 0, 12).append("… vs ").append(other.sha256, 0, 12).append("…; ");
        } else if ((sha256 == null || other.sha256 == null) && !name.equals(other.name)) {
            sb.append("network ").append(name).append(" vs ").append(other.name).append("; ");
        }
        if (!preprocessing.equals(other.preprocessing)) {
            sb.append("preprocessing [").append(preprocessing.describe()).append("] vs [")
                    .append(other.preprocessing.describe()).append("]; ");
        }
        if (featureSize != other.featureSize) {
            sb.append("feature size ").append(featureSize).append(" vs ").append(other.featureSize).append("; ");
        }
        return sb.length() == 0 ? "none" : sb.substring(0, sb.length() - 2);
    }

    /** A short stable key for cache folders. */
    public String fingerprint() {
        String network = sha256 != null ? sha256.toLowerCase() : name;
        String text = network + "|" + preprocessing + "|" + featureSize;
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
