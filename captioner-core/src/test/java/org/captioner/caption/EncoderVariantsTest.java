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
 * The default bundle's encoder variants: the int8 trunk and the ONNX export of the float trunk,
 * chosen by name, each with its own identity, and close to the float trunk's features.
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
                assertTrue(!info.encoder().compatibleWith(encoder.identity()), variant + " is not the float trunk");
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
    void int8AndOnnxVariantsGiveFeaturesCloseToTheFloatTrunks() throws Exception {
        List<BufferedImage> images = samples();
        float[][] reference = features(null, images);
        float[][] onnx = features("onnx", images);
        float[][] int8 = features("int8", images);
        for (int i = 0; i < images.size(); i++) {
            float worst = 0;
            for (int j = 0; j < reference[i].length; j++) {
                worst = Math.max(worst, Math.abs(reference[i][j] - onnx[i][j]));
            }
            // The same network in another engine: float rounding only.
            assertTrue(worst < 1e-3, "onnx vs float, image " + i + ": " + worst);
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
        assertTrue(e.getMessage().contains("no encoder variant of that name (it has: int8, onnx)"), e.getMessage());
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
        assertTrue(e.getMessage().contains("nor any of its encoder variants: int8, onnx"), e.getMessage());
    }
}
