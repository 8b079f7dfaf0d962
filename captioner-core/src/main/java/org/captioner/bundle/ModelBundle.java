package org.captioner.bundle;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.captioner.encoder.EncoderIdentity;
import org.captioner.model.CaptionDecoder;
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
    private final CaptionDecoder decoder;
    private final NDManager manager;

    private ModelBundle(Path dir, BundleInfo info, Vocabulary vocabulary, CaptionDecoder decoder, NDManager manager) {
        this.dir = dir;
        this.info = info;
        this.vocabulary = vocabulary;
        this.decoder = decoder;
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
        try {
            CaptionDecoder decoder = new CaptionDecoder(info.decoder());
            try (DataInputStream in = new DataInputStream(new BufferedInputStream(
                    Files.newInputStream(dir.resolve(PARAMS_FILE))))) {
                decoder.loadParameters(manager, in);
            }
            return new ModelBundle(dir, info, vocabulary, decoder, manager);
        } catch (IOException | MalformedModelException | RuntimeException e) {
            manager.close();
            throw new IOException("cannot load decoder parameters from " + dir.resolve(PARAMS_FILE) + ": "
                    + e.getMessage(), e);
        }
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
    public static void save(Path dir, BundleInfo info, Vocabulary vocabulary, CaptionDecoder decoder) throws IOException {
        Files.createDirectories(dir);
        Path vocabTmp = dir.resolve(VOCABULARY_FILE + ".tmp");
        vocabulary.save(vocabTmp);
        replace(vocabTmp, dir.resolve(VOCABULARY_FILE));
        Path paramsTmp = dir.resolve(PARAMS_FILE + ".tmp");
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(paramsTmp)))) {
            decoder.saveParameters(out);
        }
        replace(paramsTmp, dir.resolve(PARAMS_FILE));
        writeInfo(dir, info);
    }

    /** Replaces {@code bundle.json} only (e.g. to record test scores or tuned search defaults). */
    public static void writeInfo(Path dir, BundleInfo info) throws IOException {
        Path tmp = dir.resolve(INFO_FILE + ".tmp");
        try (OutputStream out = Files.newOutputStream(tmp)) {
            JSON.writeValue(out, info);
        }
        replace(tmp, dir.resolve(INFO_FILE));
    }

    static void replace(Path tmp, Path target) throws IOException {
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Fails unless features from {@code encoder} are what this decoder was trained on. */
    public void checkEncoder(EncoderIdentity encoder) {
        if (!info.encoder().compatibleWith(encoder)) {
            throw new IllegalArgumentException("encoder " + encoder.name() + " does not match the one bundle " + dir
                    + " was trained with (" + info.encoder().name() + "): " + info.encoder().differences(encoder));
        }
    }

    public Path dir() {
        return dir;
    }

    public BundleInfo info() {
        return info;
    }

    public Vocabulary vocabulary() {
        return vocabulary;
    }

    public CaptionDecoder decoder() {
        return decoder;
    }

    public NDManager manager() {
        return manager;
    }

    @Override
    public void close() {
        manager.close();
    }
}
