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

    /**
     * The encoder folders every front end searches, in order: {@code -Dcaptioner.encoderDir},
     * {@code $CAPTIONER_ENCODER_DIR}, then {@code models/encoders} of the shared data folder.
     */
    public static List<Path> standardFolders(Path sharedDir) {
        List<Path> dirs = new ArrayList<>();
        String prop = System.getProperty("captioner.encoderDir");
        if (prop != null && !prop.isBlank()) {
            dirs.add(Path.of(prop));
        }
        String env = System.getenv("CAPTIONER_ENCODER_DIR");
        if (env != null && !env.isBlank()) {
            dirs.add(Path.of(env));
        }
        dirs.add(sharedDir.resolve("models").resolve("encoders"));
        return dirs;
    }

    /** {@code $CAPTIONER_SHARED}, else the {@code shared} folder beside the project home. */
    public static Path sharedDir(Path home) {
        String env = System.getenv("CAPTIONER_SHARED");
        return env != null && !env.isBlank() ? Path.of(env) : home.resolveSibling("shared");
    }

    /**
     * The encoder to run: the override (a location, or the name of one of the bundle's encoder
     * variants, which is looked for in the bundle folder and checked by sha256), else the bundle's own.
     */
    public EncoderSource resolve(Path bundleDir, BundleInfo info) {
        if (override != null && !override.isBlank()) {
            BundleInfo.EncoderVariant variant = info.encoderVariant(override);
            if (variant == null) {
                EncoderSource source = EncoderSource.parse(override);
                if (source.kind() == EncoderSource.Kind.FILE && !Files.exists(source.path())
                        && !override.contains("/") && !info.encoderVariants().isEmpty()) {
                    throw new EncoderLoadException("--encoder " + override + ": no such file, and bundle " + bundleDir
                            + " has no encoder variant of that name (it has: " + String.join(", ",
                                    info.encoderVariants().stream().map(BundleInfo.EncoderVariant::name).toList()) + ")");
                }
                return source;
            }
            String sha = variant.identity().sha256();
            // A variant is trusted by content: a file name alone (or one reaching outside the bundle) is not enough.
            if (sha == null || variant.fileName().contains("/") || variant.fileName().contains("\\")) {
                throw new EncoderLoadException("encoder variant " + variant.name() + " of bundle " + bundleDir
                        + " must name a file in the bundle folder and its sha256");
            }
            Path file = bundleDir.resolve(variant.fileName());
            if (!Files.isRegularFile(file) || !sha.equalsIgnoreCase(ImageEncoder.sha256(file))) {
                throw new EncoderLoadException("encoder variant " + variant.name() + " of bundle " + bundleDir
                        + " should be " + file + " (sha256 " + sha.substring(0, Math.min(12, sha.length()))
                        + "…), which is missing or another file");
            }
            return EncoderSource.parse(file.toString());
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
