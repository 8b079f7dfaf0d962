package org.captioner.image;

import com.drew.imaging.ImageMetadataReader;
import com.drew.metadata.Metadata;
import com.drew.metadata.exif.ExifIFD0Directory;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Turns untrusted bytes into an upright 8-bit RGB image, or a clear reason why not. The format is
 * sniffed from the content; the pixel count is checked from the header before any pixel is decoded
 * (decompression bombs); truncated files are errors, not grey half-images; CMYK, grayscale,
 * 16-bit, palette and alpha images are converted (alpha over white); EXIF orientation is honoured.
 */
public final class PhotoReader {

    /** 64 megapixels: above any camera photo, far below what would exhaust memory. */
    public static final long DEFAULT_MAX_PIXELS = 64L * 1024 * 1024;
    public static final long DEFAULT_MAX_BYTES = 100L * 1024 * 1024;

    /**
     * Images whose shorter side is at least twice this are decoded subsampled, to a shorter side
     * of at least this: still more than twice what the encoder's 224x224 input (after a resize to
     * 256) needs, at a small part of the memory (an 8000x8000 JPEG captioned the same at 0.82 GB RSS
     * instead of 1.87 GB). Decimation aliases where a full resize would average, so captions of such
     * photos may differ slightly from a full decode's.
     */
    public static final int DECODE_SIDE = 512;

    static {
        // Registers TwelveMonkeys' readers (CMYK JPEG, more BMP variants, WebP, TIFF) ahead of the JDK's.
        ImageIO.scanForPlugins();
        ImageIO.setUseCache(false);
    }

    /** Reader warnings that mean damaged data (others, like a missing ICC profile, are harmless). */
    private static final java.util.regex.Pattern DAMAGE = java.util.regex.Pattern.compile(
            "(?i)premature|corrupt|truncat|invalid|bad |extraneous|unexpected|missing .*(data|marker)|error");

    private final long maxPixels;
    private final long maxBytes;

    public PhotoReader() {
        this(DEFAULT_MAX_PIXELS, DEFAULT_MAX_BYTES);
    }

    public PhotoReader(long maxPixels, long maxBytes) {
        if (maxPixels <= 0 || maxBytes <= 0) {
            throw new IllegalArgumentException("limits must be positive");
        }
        this.maxPixels = maxPixels;
        this.maxBytes = maxBytes;
    }

    public long maxPixels() {
        return maxPixels;
    }

    /**
     * Reads a file. Only regular files are opened (a FIFO would block forever, a device never end),
     * and the byte limit holds for what is actually read, not only for the size the file system
     * reports (0 for /proc files and devices).
     */
    public BufferedImage read(Path file) throws ImageReadException {
        return read(readBytes(file));
    }

    /** The file's bytes, within the limits above. */
    public byte[] readBytes(Path file) throws ImageReadException {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw new ImageReadException(ImageReadException.Kind.UNREADABLE, "file not found");
        } catch (IOException e) {
            throw new ImageReadException(ImageReadException.Kind.UNREADABLE, "cannot read file: " + e.getMessage(), e);
        }
        if (attributes.isDirectory()) {
            throw new ImageReadException(ImageReadException.Kind.UNREADABLE, "is a folder, not an image file");
        }
        if (!attributes.isRegularFile()) {
            throw new ImageReadException(ImageReadException.Kind.UNREADABLE,
                    "not a regular file (a pipe, device or socket): only regular files are read");
        }
        if (attributes.size() > maxBytes) {
            throw new ImageReadException(ImageReadException.Kind.TOO_LARGE,
                    "file is " + attributes.size() + " bytes, over the limit of " + maxBytes);
        }
        try (InputStream in = Files.newInputStream(file)) {
            return readWithin(in, maxBytes);
        } catch (NoSuchFileException e) {
            throw new ImageReadException(ImageReadException.Kind.UNREADABLE, "file not found");
        } catch (IOException e) {
            throw new ImageReadException(ImageReadException.Kind.UNREADABLE,
                    "cannot read file: " + e.getMessage(), e);
        }
    }

    /**
     * Everything {@code in} holds, if that is at most {@code maxBytes}; more is {@code TOO_LARGE},
     * whatever size the source claimed (devices and {@code /proc} files claim 0).
     */
    public static byte[] readWithin(InputStream in, long maxBytes) throws IOException, ImageReadException {
        byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
        if (bytes.length > maxBytes) {
            throw new ImageReadException(ImageReadException.Kind.TOO_LARGE,
                    "file has more than " + maxBytes + " bytes, over the limit");
        }
        return bytes;
    }

    /**
     * Width × height as the image's header declares them, without decoding pixels; -1 when the
     * bytes are not an image this reader knows or the header is unreadable.
     */
    public static long declaredPixels(byte[] bytes) {
        int[] size = declaredSize(bytes);
        return size == null ? -1 : (long) size[0] * size[1];
    }

    /** {@code {width, height}} as the header declares them (no pixels decoded), or null. */
    public static int[] declaredSize(byte[] bytes) {
        if (ImageFormat.sniff(bytes).isEmpty()) {
            return null;
        }
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                return null;
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                return new int[] {reader.getWidth(0), reader.getHeight(0)};
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    public BufferedImage read(byte[] bytes) throws ImageReadException {
        if (bytes.length == 0) {
            throw new ImageReadException(ImageReadException.Kind.EMPTY, "empty file");
        }
        ImageFormat format = ImageFormat.sniff(bytes).orElseThrow(() -> new ImageReadException(
                ImageReadException.Kind.NOT_AN_IMAGE,
                "not an image: content is not " + ImageFormat.NAMES));
        BufferedImage raw = read(bytes, format);
        BufferedImage rgb = toRgb(raw);
        return orient(rgb, orientation(bytes, format));
    }

    private BufferedImage read(byte[] bytes, ImageFormat format) throws ImageReadException {
        String name = format.label();
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new ImageReadException(ImageReadException.Kind.NOT_AN_IMAGE,
                        "no decoder for this " + name + " content");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                long w = reader.getWidth(0);
                long h = reader.getHeight(0);
                if (w <= 0 || h <= 0) {
                    throw new ImageReadException(ImageReadException.Kind.CORRUPT,
                            "corrupt " + name + ": size " + w + "x" + h);
                }
                if (w * h > maxPixels) {
                    throw new ImageReadException(ImageReadException.Kind.TOO_LARGE,
                            "image is " + w + "x" + h + " = " + (w * h) + " pixels, over the limit of "
                                    + maxPixels);
                }
                List<String> warnings = new ArrayList<>();
                reader.addIIOReadWarningListener((source, warning) -> {
                    if (DAMAGE.matcher(warning).find()) {
                        warnings.add(warning);
                    }
                });
                // The encoder only ever sees 224x224: decoding every n-th pixel of every n-th row of a
                // big photo keeps its shorter side at least DECODE_SIDE and its memory small (an
                // 8000x8000 image decodes to 534x534, 0.9 MB instead of 192 MB).
                ImageReadParam param = reader.getDefaultReadParam();
                int step = (int) Math.max(1, Math.min(w, h) / DECODE_SIDE);
                if (step > 1) {
                    param.setSourceSubsampling(step, step, 0, 0);
                }
                BufferedImage image = reader.read(0, param);
                if (!warnings.isEmpty()) {
                    // ImageIO only warns on a truncated JPEG and fills the rest with grey.
                    throw new ImageReadException(ImageReadException.Kind.CORRUPT,
                            "corrupt or truncated " + name + ": " + warnings.get(0));
                }
                return image;
            } finally {
                reader.dispose();
            }
        } catch (ImageReadException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw new ImageReadException(ImageReadException.Kind.CORRUPT,
                    "corrupt or truncated " + name + ": " + why, e);
        }
    }

    /**
     * Any layout ImageIO returns (16-bit, gray, palette, alpha) as 8-bit RGB stored as
     * {@code TYPE_3BYTE_BGR}, alpha over white; an image already in that layout is returned as is.
     */
    public static BufferedImage toRgb(BufferedImage src) {
        if (src.getType() == BufferedImage.TYPE_3BYTE_BGR) {
            return src;
        }
        BufferedImage out = new BufferedImage(src.getWidth(), src.getHeight(), BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = out.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, out.getWidth(), out.getHeight());
            g.drawImage(src, 0, 0, null);
        } finally {
            g.dispose();
        }
        return out;
    }

    private static int orientation(byte[] bytes, ImageFormat format) {
        // Cameras and phones tag JPEG, TIFF and WebP photos with the way they were held.
        if (format != ImageFormat.JPEG && format != ImageFormat.TIFF && format != ImageFormat.WEBP) {
            return 1;
        }
        try {
            Metadata metadata = ImageMetadataReader.readMetadata(new ByteArrayInputStream(bytes), bytes.length);
            ExifIFD0Directory exif = metadata.getFirstDirectoryOfType(ExifIFD0Directory.class);
            if (exif != null && exif.containsTag(ExifIFD0Directory.TAG_ORIENTATION)) {
                return exif.getInt(ExifIFD0Directory.TAG_ORIENTATION);
            }
        } catch (Exception e) {
            // Unreadable metadata is not a reason to reject pixels that decoded fine.
        }
        return 1;
    }

    /** Applies EXIF orientation 1..8 so the image is upright. */
    static BufferedImage orient(BufferedImage img, int orientation) {
        if (orientation <= 1 || orientation > 8) {
            return img;
        }
        int w = img.getWidth();
        int h = img.getHeight();
        boolean swap = orientation >= 5;
        // x' = m00*x + m01*y + m02, y' = m10*x + m11*y + m12 for each EXIF orientation.
        AffineTransform t;
        switch (orientation) {
            case 2: t = new AffineTransform(-1, 0, 0, 1, w, 0); break;   // mirror horizontally
            case 3: t = new AffineTransform(-1, 0, 0, -1, w, h); break;  // rotate 180
            case 4: t = new AffineTransform(1, 0, 0, -1, 0, h); break;   // mirror vertically
            case 5: t = new AffineTransform(0, 1, 1, 0, 0, 0); break;    // transpose
            case 6: t = new AffineTransform(0, 1, -1, 0, h, 0); break;   // rotate 90 clockwise
            case 7: t = new AffineTransform(0, -1, -1, 0, h, w); break;  // transverse
            default: t = new AffineTransform(0, -1, 1, 0, 0, w); break;  // 8: rotate 90 anticlockwise
        }
        BufferedImage out = new BufferedImage(swap ? h : w, swap ? w : h, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = out.createGraphics();
        try {
            g.drawImage(img, t, null);
        } finally {
            g.dispose();
        }
        return out;
    }
}
