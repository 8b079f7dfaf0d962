package org.captioner.bundle;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.captioner.encoder.EncoderIdentity;
import java.util.ArrayList;
import java.util.List;
import org.captioner.files.FileReplace;
import org.captioner.model.DecoderBlock;
import org.captioner.model.DecoderConfig;
import org.captioner.text.Vocabulary;

/**
 * Everything needed to caption with a trained decoder, in one folder: {@code bundle.json}
 * (decoder shape, encoder identity and location, search defaults, provenance),
 * {@code vocabulary.json} and {@code decoder.params}.
 */
public final class ModelBundle implements AutoCloseable {

    public static final String INFO_FILE = "bundle.json";
    public static final String VOCABULARY_FILE = "vocabulary.json";
    public static final String PARAMS_FILE = "decoder.params";

    static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final Path dir;
    private final BundleInfo info;
    private final Vocabulary vocabulary;
    private final List<DecoderBlock> decoders;
    private final NDManager manager;

    private ModelBundle(Path dir, BundleInfo info, Vocabulary vocabulary, List<DecoderBlock> decoders,
            NDManager manager) {
        this.dir = dir;
        this.info = info;
        this.vocabulary = vocabulary;
        this.decoders = List.copyOf(decoders);
        this.manager = manager;
    }

    /** Loads a bundle's decoder into a new NDManager (closed with the bundle). */
    public static ModelBundle load(Path dir) throws IOException {
        BundleInfo info = readInfo(dir);
        Vocabulary vocabulary = Vocabulary.load(dir.resolve(VOCABULARY_FILE));
        if (vocabulary.size() != info.decoder().vocabSize()) {
            throw new IOException(dir + ": vocabulary has " + vocabulary.size() + " words but the decoder expects "
                    + info.decoder().vocabSize());
        }
        NDManager manager = NDManager.newBaseManager("PyTorch");
        List<DecoderBlock> decoders = new ArrayList<>();
        try {
            decoders.add(loadDecoder(manager, info.decoder(), dir.resolve(PARAMS_FILE)));
            for (BundleInfo.EnsembleMember m : info.members()) {
                if (m.decoder().vocabSize() != vocabulary.size() || m.decoder().featureSize() != info.decoder().featureSize()) {
                    throw new IOException("ensemble member " + m.params() + " does not fit this bundle's vocabulary"
                            + " and features");
                }
                decoders.add(loadDecoder(manager, m.decoder(), dir.resolve(m.params())));
            }
            return new ModelBundle(dir, info, vocabulary, decoders, manager);
        } catch (IOException | RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    private static DecoderBlock loadDecoder(NDManager manager, DecoderConfig config, Path params) throws IOException {
        DecoderBlock decoder = DecoderBlock.create(config);
        decoder.loadParameters(manager, params);
        return decoder;
    }

    /** Reads only {@code bundle.json}. */
    public static BundleInfo readInfo(Path dir) throws IOException {
        Path file = dir.resolve(INFO_FILE);
        if (!Files.isRegularFile(file)) {
            throw new IOException("not a model bundle: " + file + " not found");
        }
        BundleInfo info = JSON.readValue(file.toFile(), BundleInfo.class);
        if (info.format() != BundleInfo.FORMAT) {
            throw new IOException(file + ": bundle format " + info.format() + " is not supported (expected "
                    + BundleInfo.FORMAT + ")");
        }
        return info;
    }

    /** Writes a bundle; each file is replaced atomically, vocabulary and parameters before the info. */
    public static void save(Path dir, BundleInfo info, Vocabulary vocabulary, DecoderBlock decoder) throws IOException {
        Files.createDirectories(dir);
        Path vocabTmp = dir.resolve(VOCABULARY_FILE + ".tmp");
        vocabulary.save(vocabTmp);
        FileReplace.moveIntoPlace(vocabTmp, dir.resolve(VOCABULARY_FILE));
        writeParameters(decoder, dir.resolve(PARAMS_FILE));
        writeInfo(dir, info);
    }

    /**
     * Writes the decoder weights of {@code from} to {@code to} held as {@code storage} (float16
     * halves the file; loading always computes in float32). The file is replaced atomically.
     */
    public static void copyDecoder(Path from, Path to, DecoderConfig config, DataType storage) throws IOException {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            DecoderBlock decoder = DecoderBlock.create(config);
            decoder.loadParameters(manager, from);
            decoder.convertWeights(manager, storage);
            writeParameters(decoder, to);
        }
    }

    /** Writes {@code decoder}'s weights to {@code file}, replacing it atomically. */
    private static void writeParameters(DecoderBlock decoder, Path file) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp)))) {
            decoder.saveParameters(out);
        }
        FileReplace.moveIntoPlace(tmp, file);
    }

    /** Replaces {@code bundle.json} only (e.g. to record test scores or tuned search defaults). */
    public static void writeInfo(Path dir, BundleInfo info) throws IOException {
        Path tmp = dir.resolve(INFO_FILE + ".tmp");
        try (OutputStream out = Files.newOutputStream(tmp)) {
            JSON.writeValue(out, info);
        }
        FileReplace.moveIntoPlace(tmp, dir.resolve(INFO_FILE));
    }

    /**
     * Fails unless features from {@code encoder} are what this decoder was trained on, or come from
     * one of the encoder variants the bundle lists.
     */
    public void checkEncoder(EncoderIdentity encoder) {
        if (info.encoder().compatibleWith(encoder)
                || info.encoderVariants().stream().anyMatch(v -> v.identity().compatibleWith(encoder))) {
            return;
        }
        String variants = info.encoderVariants().isEmpty() ? ""
                : " (nor any of its encoder variants: " + String.join(", ",
                        info.encoderVariants().stream().map(BundleInfo.EncoderVariant::name).toList()) + ")";
        throw new IllegalArgumentException("encoder " + encoder.name() + " does not match the one bundle " + dir
                + " was trained with (" + info.encoder().name() + "): " + info.encoder().differences(encoder)
                + variants);
    }

    public Path dir() {
        return dir;
    }

    public BundleInfo info() {
        return info;
    }

    /**
     * A short identity of a bundle's contents: the first 16 hex digits of a SHA-256 over every file
     * that decides its captions (settings, vocabulary, decoder weights, encoder, object classifier
     * and grounding: {@code *.json}, {@code *.params}, {@code *.pt}, {@code *.tsv}), by name and
     * content; its card, logs and curves do not count. Two copies of one model share it, a retrained
     * or re-grounded one does not. Shown instead of the bundle's path where paths are private (the
     * web health endpoint) and in every row of the Spark job.
     */
    public static String id(Path dir) throws IOException {
        List<Path> files;
        try (var listing = Files.list(dir)) {
            files = listing.filter(Files::isRegularFile)
                    .filter(f -> f.getFileName().toString().matches(".*\\.(json|params|pt|tsv)"))
                    .sorted().toList();
        }
        try {
            java.security.MessageDigest digest = java.security.MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (Path f : files) {
                digest.update(f.getFileName().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                try (java.io.InputStream in = Files.newInputStream(f)) {
                    for (int n; (n = in.read(buffer)) > 0; ) {
                        digest.update(buffer, 0, n);
                    }
                }
            }
            return java.util.HexFormat.of().formatHex(digest.digest()).substring(0, 16);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public Vocabulary vocabulary() {
        return vocabulary;
    }

    /** The main decoder. */
    public DecoderBlock decoder() {
        return decoders.get(0);
    }

    /** All decoders: the main one, then any ensemble members. */
    public List<DecoderBlock> decoders() {
        return decoders;
    }

    public NDManager manager() {
        return manager;
    }

    @Override
    public void close() {
        manager.close();
    }
}
