package org.captioner.caption;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.captioner.ProjectFiles;
import org.captioner.bundle.BundleInfo;
import org.captioner.bundle.ModelBundle;
import org.captioner.encoder.EncoderLoadException;
import org.captioner.encoder.EncoderSource;
import org.captioner.encoder.ImageEncoder;
import org.captioner.image.PhotoReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The default bundle's encoders: its own, the float trunk's fast form, and its variants, the float
 * trunk its decoders were trained on, the int8 trunk and the ONNX export of the float trunk, chosen
 * by name, each with its own identity, and close to the float trunk's features.
 */
class EncoderVariantsTest {

    @TempDir
    Path tmp;

    private static List<BufferedImage> samples() throws Exception {
        PhotoReader reader = new PhotoReader();
        List<BufferedImage> out = new ArrayList<>();
        for (String name : new String[] {"kitten.jpg", "fox.png", "dog-cat.jpg", "mountains.png"}) {
            out.add(reader.read(ProjectFiles.sample(name)));
        }
        return out;
    }

    /** The default bundle's features of {@code images} from its own encoder (null) or a variant. */
    private static float[][] features(String variant, List<BufferedImage> images) throws Exception {
        Path model = ProjectFiles.defaultModel();
        BundleInfo info = ModelBundle.readInfo(model);
        EncoderSource source = new EncoderResolver(variant, List.of()).resolve(model, info);
        try (ImageEncoder encoder = ImageEncoder.load(source, info.encoder().preprocessing())) {
            if (variant != null) {
                assertTrue(info.encoderVariant(variant).identity().compatibleWith(encoder.identity()), variant);
                assertTrue(!info.encoder().compatibleWith(encoder.identity()), variant + " is not the own encoder");
            }
            return encoder.encode(images);
        }
    }

    private static double cosine(float[] a, float[] b) {
        double ab = 0;
        double aa = 0;
        double bb = 0;
        for (int i = 0; i < a.length; i++) {
            ab += a[i] * b[i];
            aa += a[i] * a[i];
            bb += b[i] * b[i];
        }
        return ab / Math.sqrt(aa * bb);
    }

    @Test
    void theOwnFastFormAndTheVariantsGiveFeaturesCloseToTheFloatTrunks() throws Exception {
        List<BufferedImage> images = samples();
        float[][] reference = features("float", images);
        float[][] own = features(null, images);
        float[][] onnx = features("onnx", images);
        float[][] int8 = features("int8", images);
        for (int i = 0; i < images.size(); i++) {
            float worst = 0;
            float worstOwn = 0;
            for (int j = 0; j < reference[i].length; j++) {
                worst = Math.max(worst, Math.abs(reference[i][j] - onnx[i][j]));
                worstOwn = Math.max(worstOwn, Math.abs(reference[i][j] - own[i][j]));
            }
            // The same network in another engine, or with its batch norms folded and channels last:
            // float rounding only.
            assertTrue(worst < 1e-3, "onnx vs float, image " + i + ": " + worst);
            assertTrue(worstOwn < 1e-3, "fast form vs float, image " + i + ": " + worstOwn);
            // Int8 activations: close, not equal.
            double c = cosine(reference[i], int8[i]);
            assertTrue(c > 0.97 && c < 1 - 1e-6, "int8 vs float cosine, image " + i + ": " + c);
        }
    }

    @Test
    void aVariantNameSelectsItsFileAndAnUnknownNameListsTheVariants() throws Exception {
        Path model = ProjectFiles.defaultModel();
        BundleInfo info = ModelBundle.readInfo(model);
        assertEquals(model.resolve("mobilenet_v2_int8_features.pt").toAbsolutePath().normalize(),
                new EncoderResolver("int8", List.of()).resolve(model, info).path());
        assertNotEquals(info.encoderVariant("int8").identity().sha256(), info.encoder().sha256());
        EncoderLoadException e = assertThrows(EncoderLoadException.class,
                () -> new EncoderResolver("int9", List.of()).resolve(model, info));
        assertTrue(e.getMessage().contains("no encoder variant of that name (it has: int8, onnx, float)"),
                e.getMessage());
        // A path is a location, as before.
        assertEquals(EncoderSource.Kind.FILE,
                new EncoderResolver(ProjectFiles.encoder().toString(), List.of()).resolve(model, info).kind());
    }

    @Test
    void aVariantWithoutItsSha256IsNotTrusted() throws Exception {
        Path copy = Files.createDirectories(tmp.resolve("nosha"));
        String json = Files.readString(ProjectFiles.defaultModel().resolve(ModelBundle.INFO_FILE))
                .replace("\"sha256\" : \"b6cb2e448bf2875584a03602fae6c23d5bd55fd1d291070d8c4236fbdaea0ee9\"",
                        "\"sha256\" : null");
        Files.writeString(copy.resolve(ModelBundle.INFO_FILE), json);
        Files.copy(ProjectFiles.encoder(), copy.resolve("mobilenet_v2_int8_features.pt"));
        BundleInfo info = ModelBundle.readInfo(copy);
        assertEquals(null, info.encoderVariant("int8").identity().sha256());
        EncoderLoadException e = assertThrows(EncoderLoadException.class,
                () -> new EncoderResolver("int8", List.of()).resolve(copy, info));
        assertTrue(e.getMessage().contains("its sha256"), e.getMessage());
    }

    @Test
    void aVariantWhoseFileWasReplacedIsRefused() throws Exception {
        Path copy = Files.createDirectories(tmp.resolve("bundle"));
        Files.copy(ProjectFiles.defaultModel().resolve(ModelBundle.INFO_FILE), copy.resolve(ModelBundle.INFO_FILE));
        Files.copy(ProjectFiles.encoder(), copy.resolve("mobilenet_v2_int8_features.pt"));
        BundleInfo info = ModelBundle.readInfo(copy);
        EncoderLoadException e = assertThrows(EncoderLoadException.class,
                () -> new EncoderResolver("int8", List.of()).resolve(copy, info));
        assertTrue(e.getMessage().contains("missing or another file"), e.getMessage());
    }

    @Test
    void theBundleCaptionsWithAVariantAndRefusesAnUndeclaredEncoder() throws Exception {
        Path model = ProjectFiles.defaultModel();
        try (Captioner captioner = Captioner.open(model, new EncoderResolver("int8", List.of()))) {
            String caption = captioner.captionImages(List.of(samples().get(1)), captioner.defaultOptions())
                    .get(0).get(0).text();
            assertTrue(caption.split(" ").length >= 3, caption);
        }
        Path other = Path.of(getClass().getResource("/fixtures/tiny_vgg_fc7.pt").toURI());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Captioner.open(model, new EncoderResolver(other.toString(), List.of())).close());
        assertTrue(e.getMessage().contains("nor any of its encoder variants: int8, onnx, float"), e.getMessage());
    }

    @Test
    void theClassifierMadeForTheFormerOwnEncoderServesEveryEncoderTheBundleAccepts() throws Exception {
        Path model = ProjectFiles.defaultModel();
        BundleInfo info = ModelBundle.readInfo(model);
        String madeFor = org.captioner.objects.ObjectClassifier.encoderSha256(model);
        assertEquals(info.encoderVariant("float").identity().sha256(), madeFor,
                "the classifier files say which features they were made on");
        for (String encoder : new String[] {null, "float", "int8"}) {
            try (Captioner captioner = Captioner.open(model, new EncoderResolver(encoder, List.of()))) {
                String caption = captioner.captionImages(List.of(samples().get(0)), captioner.defaultOptions())
                        .get(0).get(0).text();
                // The kitten: ImageNet's cat is required, so the classifier ran.
                assertTrue(caption.matches(".*\\bcat\\b.*"), encoder + ": " + caption);
            }
        }
        // A classifier made for an encoder the bundle does not accept is still refused.
        Path copy = Files.createDirectories(tmp.resolve("foreign"));
        try (var files = Files.list(model)) {
            for (Path f : files.toList()) {
                Files.createSymbolicLink(copy.resolve(f.getFileName()), f.toAbsolutePath());
            }
        }
        Files.delete(copy.resolve(org.captioner.objects.ObjectClassifier.FILE));
        Files.writeString(copy.resolve(org.captioner.objects.ObjectClassifier.FILE),
                Files.readString(model.resolve(org.captioner.objects.ObjectClassifier.FILE))
                        .replace(madeFor, "ab" + madeFor.substring(2)));
        java.io.IOException refused = assertThrows(java.io.IOException.class,
                () -> Captioner.open(copy, new EncoderResolver(null, List.of())).close());
        assertTrue(refused.getMessage().contains("belongs to the encoder"), refused.getMessage());
    }
}
