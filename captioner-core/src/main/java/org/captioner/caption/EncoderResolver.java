package org.captioner.caption;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.captioner.bundle.BundleInfo;
import org.captioner.encoder.EncoderLoadException;
import org.captioner.encoder.EncoderSource;
import org.captioner.encoder.ImageEncoder;

/**
 * Finds the encoder a bundle was trained with on this machine: an explicit override, else the
 * bundle's file name in the bundle folder and each configured encoder folder (checked by sha256),
 * else the bundle's URL or zoo id. When nothing is found the error lists where it looked.
 */
public final class EncoderResolver {

    private final String override;
    private final List<Path> folders;

    /**
     * @param override an encoder location that wins over everything (may be null)
     * @param folders folders to search for the bundle's encoder file, in order
     */
    public EncoderResolver(String override, List<Path> folders) {
        this.override = override;
        this.folders = List.copyOf(folders);
    }

    public EncoderSource resolve(Path bundleDir, BundleInfo info) {
        if (override != null && !override.isBlank()) {
            return EncoderSource.parse(override);
        }
        String fileName = info.encoderLocation() == null ? null : info.encoderLocation().fileName();
        String sha = info.encoder().sha256();
        List<String> looked = new ArrayList<>();
        if (fileName != null) {
            List<Path> candidates = new ArrayList<>();
            candidates.add(bundleDir.resolve(fileName));
            folders.forEach(f -> candidates.add(f.resolve(fileName)));
            for (Path p : candidates) {
                looked.add(p.toAbsolutePath().normalize().toString());
                if (Files.isRegularFile(p) && (sha == null || sha.equalsIgnoreCase(ImageEncoder.sha256(p)))) {
                    return EncoderSource.parse(p.toString());
                }
            }
        }
        String url = info.encoderLocation() == null ? null : info.encoderLocation().url();
        if (url != null && !url.isBlank()) {
            return EncoderSource.parse(url);
        }
        throw new EncoderLoadException("the encoder for bundle " + bundleDir + " (" + info.encoder().name()
                + (sha == null ? "" : ", sha256 " + sha.substring(0, 12) + "…") + ") was not found; looked in: "
                + String.join(", ", looked)
                + ". Set CAPTIONER_ENCODER_DIR to the folder that holds it, or pass --encoder PATH|URL|ZOO-ID.");
    }
}
