package org.captioner.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Map;
import org.captioner.ProjectFiles;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PhotoReaderTest {

    @TempDir
    static Path dir;
    static Map<String, Path> broken;
    static Map<String, Path> unusual;
    final PhotoReader reader = new PhotoReader();

    @BeforeAll
    static void write() throws Exception {
        broken = BadImages.writeBroken(dir.resolve("broken"));
        unusual = BadImages.writeUnusual(dir.resolve("unusual"));
    }

    private ImageReadException fails(String name) {
        return assertThrows(ImageReadException.class, () -> reader.read(broken.get(name)));
    }

    @Test
    void emptyFileIsRejected() {
        assertEquals(ImageReadException.Kind.EMPTY, fails("empty").kind());
    }

    @Test
    void truncatedJpegIsRejectedNotGreyFilled() {
        ImageReadException e = fails("truncated");
        assertEquals(ImageReadException.Kind.CORRUPT, e.kind());
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void corruptJpegIsRejected() {
        assertEquals(ImageReadException.Kind.CORRUPT, fails("corrupt").kind());
    }

    @Test
    void textWithAnImageNameIsNotAnImage() {
        assertEquals(ImageReadException.Kind.NOT_AN_IMAGE, fails("not-an-image").kind());
    }

    @Test
    void decompressionBombIsRefusedBeforeDecoding() {
        ImageReadException e = fails("bomb");
        assertEquals(ImageReadException.Kind.TOO_LARGE, e.kind());
        assertTrue(e.getMessage().contains("20000x20000"), e.getMessage());
    }

    @Test
    void unusualButValidImagesDecodeToRgb() throws Exception {
        for (Map.Entry<String, Path> e : unusual.entrySet()) {
            BufferedImage img = reader.read(e.getValue());
            assertEquals(BufferedImage.TYPE_3BYTE_BGR, img.getType(), e.getKey());
        }
    }

    @Test
    void webpAndTiffPhotosAreReadByContent() throws Exception {
        // A WebP made from the kitten sample (scripts/make_webp_fixture.sh), under a name that says nothing.
        Path webp = dir.resolve("kitten.photo");
        java.nio.file.Files.copy(ProjectFiles.root().resolve("captioner-core/src/test/resources/fixtures/kitten.webp"),
                webp);
        BufferedImage fromWebp = reader.read(webp);
        assertEquals(96, fromWebp.getWidth());
        assertEquals(72, fromWebp.getHeight());
        // Its colours are the kitten's: compared with the JPEG scaled the same way, mean channel error is small.
        BufferedImage jpeg = reader.read(ProjectFiles.sample("kitten.jpg"));
        BufferedImage small = new BufferedImage(96, 72, BufferedImage.TYPE_3BYTE_BGR);
        java.awt.Graphics2D g = small.createGraphics();
        g.setRenderingHint(java.awt.RenderingHints.KEY_INTERPOLATION, java.awt.RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(jpeg, 0, 0, 96, 72, null);
        g.dispose();
        assertTrue(meanChannelError(fromWebp, small) < 25, "WebP pixels should be the kitten's");
        // A TIFF (written here by whichever TIFF writer ImageIO offers first) decodes to the same pixels.
        Path tiff = dir.resolve("kitten.scan");
        assertTrue(javax.imageio.ImageIO.write(small, "tiff", tiff.toFile()));
        assertEquals(0.0, meanChannelError(reader.read(tiff), small), 1e-9);
        // Cut short, each is reported as damaged, not read as half a picture.
        byte[] bytes = java.nio.file.Files.readAllBytes(webp);
        ImageReadException cut = assertThrows(ImageReadException.class,
                () -> reader.read(java.util.Arrays.copyOf(bytes, bytes.length / 2)));
        assertEquals(ImageReadException.Kind.CORRUPT, cut.kind());
        assertTrue(cut.getMessage().contains("WebP"), cut.getMessage());
        byte[] tiffBytes = java.nio.file.Files.readAllBytes(tiff);
        for (int length : new int[] {64, tiffBytes.length / 2}) {
            ImageReadException e = assertThrows(ImageReadException.class,
                    () -> reader.read(java.util.Arrays.copyOf(tiffBytes, length)), "TIFF cut to " + length + " bytes");
            assertEquals(ImageReadException.Kind.CORRUPT, e.kind());
        }
    }

    private static double meanChannelError(BufferedImage a, BufferedImage b) {
        double sum = 0;
        for (int y = 0; y < a.getHeight(); y++) {
            for (int x = 0; x < a.getWidth(); x++) {
                int p = a.getRGB(x, y);
                int q = b.getRGB(x, y);
                for (int shift = 0; shift <= 16; shift += 8) {
                    sum += Math.abs(((p >> shift) & 255) - ((q >> shift) & 255));
                }
            }
        }
        return sum / (3.0 * a.getWidth() * a.getHeight());
    }

    @Test
    void cmykJpegKeepsItsColours() throws Exception {
        BufferedImage img = reader.read(unusual.get("cmyk"));
        int centre = img.getRGB(img.getWidth() / 2, img.getHeight() / 2);
        int red = (centre >> 16) & 255;
        int blue = centre & 255;
        assertTrue(red > 150 && blue < 110, "centre should stay red, got " + Integer.toHexString(centre));
    }

    @Test
    void exifOrientationIsHonoured() throws Exception {
        BufferedImage img = reader.read(unusual.get("exif-rotated"));
        // 300x100 stored, orientation 6 (rotate 90° clockwise): shown as 100x300.
        assertEquals(100, img.getWidth());
        assertEquals(300, img.getHeight());
    }

    @Test
    void orientationTransformsMapCornersCorrectly() {
        BufferedImage src = new BufferedImage(3, 2, BufferedImage.TYPE_3BYTE_BGR);
        src.setRGB(0, 0, 0xFF0000); // top-left marked red
        assertEquals(0xFF0000, PhotoReader.orient(src, 6).getRGB(1, 0) & 0xFFFFFF, "90° cw: top-right");
        assertEquals(0xFF0000, PhotoReader.orient(src, 8).getRGB(0, 2) & 0xFFFFFF, "90° ccw: bottom-left");
        assertEquals(0xFF0000, PhotoReader.orient(src, 3).getRGB(2, 1) & 0xFFFFFF, "180°: bottom-right");
        assertEquals(0xFF0000, PhotoReader.orient(src, 2).getRGB(2, 0) & 0xFFFFFF, "mirror: top-right");
        assertEquals(0xFF0000, PhotoReader.orient(src, 5).getRGB(0, 0) & 0xFFFFFF, "transpose: top-left");
        assertEquals(0xFF0000, PhotoReader.orient(src, 7).getRGB(1, 2) & 0xFFFFFF, "transverse: bottom-right");
    }

    @Test
    void shippedSamplesReadWhateverTheirExtensionSays() throws Exception {
        Path samples = ProjectFiles.samples();
        for (String name : new String[] {"kitten.jpg", "dog_bike_car.jpg", "dog-cat.jpg", "fox.png", "mountains.png"}) {
            BufferedImage img = reader.read(samples.resolve(name));
            assertTrue(img.getWidth() > 50 && img.getHeight() > 50, name);
        }
    }

    @Test
    void onlyRegularFilesAreOpened() {
        ImageReadException e = assertThrows(ImageReadException.class, () -> new PhotoReader().read(Path.of("/dev/zero")));
        assertTrue(e.getMessage().contains("not a regular file"), e.getMessage());
        e = assertThrows(ImageReadException.class, () -> new PhotoReader().read(Path.of("/tmp")));
        assertTrue(e.getMessage().contains("folder"), e.getMessage());
    }

    @Test
    void theByteLimitHoldsForWhatIsReadNotForTheSizeTheFileSystemReports() {
        // /proc files report size 0 and hold more; this one has well over 64 bytes.
        Path maps = Path.of("/proc/self/maps");
        ImageReadException e = assertThrows(ImageReadException.class,
                () -> new PhotoReader(PhotoReader.DEFAULT_MAX_PIXELS, 64).read(maps));
        assertEquals(ImageReadException.Kind.TOO_LARGE, e.kind());
    }

    @Test
    void bigPhotosAreDecodedSubsampledToWhatTheEncoderNeeds(@TempDir Path dir) throws Exception {
        BufferedImage big = new BufferedImage(2100, 1600, BufferedImage.TYPE_3BYTE_BGR);
        java.awt.Graphics2D g = big.createGraphics();
        g.setColor(java.awt.Color.RED);
        g.fillRect(0, 0, 1050, 1600);
        g.dispose();
        Path file = dir.resolve("big.png");
        javax.imageio.ImageIO.write(big, "png", file.toFile());
        BufferedImage read = new PhotoReader().read(file);
        // Shorter side 1600 = 3 x 512 (and a bit): every third pixel of every third row.
        assertEquals(700, read.getWidth());
        assertEquals(534, read.getHeight());
        assertEquals(0xFF0000, read.getRGB(10, 10) & 0xFFFFFF, "left half red");
        assertEquals(0x000000, read.getRGB(690, 10) & 0xFFFFFF, "right half black");
        assertEquals(2100L * 1600, PhotoReader.declaredPixels(java.nio.file.Files.readAllBytes(file)));
    }
}
