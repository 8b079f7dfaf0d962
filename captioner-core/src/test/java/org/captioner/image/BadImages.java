package org.captioner.image;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/**
 * Makes every awkward kind of input a captioner meets: broken files that must be rejected with a
 * reason, and unusual but valid images (CMYK, grayscale, 16-bit, alpha, palette, EXIF-rotated)
 * that must be captioned.
 */
public final class BadImages {
    private BadImages() {}

    /** Files that must fail, by name. */
    public static Map<String, Path> writeBroken(Path dir) throws IOException {
        Files.createDirectories(dir);
        Map<String, Path> out = new LinkedHashMap<>();
        byte[] jpeg = jpeg(photo(320, 240));
        out.put("empty", write(dir.resolve("empty.jpg"), new byte[0]));
        out.put("truncated", write(dir.resolve("truncated.jpg"), Arrays.copyOf(jpeg, jpeg.length / 2)));
        byte[] corrupt = jpeg.clone();
        for (int i = 200; i < corrupt.length - 2; i++) {
            corrupt[i] = (byte) (i * 31);
        }
        out.put("corrupt", write(dir.resolve("corrupt.jpg"), corrupt));
        out.put("not-an-image", write(dir.resolve("notes.png"), "these are notes, not pixels\n".getBytes()));
        out.put("bomb", write(dir.resolve("bomb.png"), pngBomb()));
        return out;
    }

    /** Valid images in unusual layouts, by name. */
    public static Map<String, Path> writeUnusual(Path dir) throws IOException {
        Files.createDirectories(dir);
        Map<String, Path> out = new LinkedHashMap<>();
        BufferedImage photo = photo(240, 180);
        out.put("grayscale", writeImage(dir.resolve("gray.png"), convert(photo, BufferedImage.TYPE_BYTE_GRAY), "png"));
        out.put("16-bit", writeImage(dir.resolve("deep.png"), convert(photo, BufferedImage.TYPE_USHORT_GRAY), "png"));
        out.put("alpha", writeImage(dir.resolve("alpha.png"), convert(photo, BufferedImage.TYPE_INT_ARGB), "png"));
        out.put("gif", writeImage(dir.resolve("anim.gif"), photo, "gif"));
        out.put("bmp", writeImage(dir.resolve("picture.bmp"), photo, "bmp"));
        out.put("jpeg-named-png", write(dir.resolve("photo.png"), jpeg(photo)));
        out.put("cmyk", write(dir.resolve("cmyk.jpg"), cmykJpeg(photo)));
        out.put("exif-rotated", write(dir.resolve("rotated.jpg"), withExifOrientation(jpeg(photo(300, 100)), 6)));
        return out;
    }

    public static BufferedImage photo(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = img.createGraphics();
        g.setPaint(new java.awt.GradientPaint(0, 0, new Color(40, 120, 200), w, h, new Color(230, 200, 60)));
        g.fillRect(0, 0, w, h);
        g.setColor(new Color(200, 40, 40));
        g.fillOval(w / 4, h / 4, w / 2, h / 2);
        g.dispose();
        return img;
    }

    static BufferedImage convert(BufferedImage src, int type) {
        BufferedImage out = new BufferedImage(src.getWidth(), src.getHeight(), type);
        Graphics2D g = out.createGraphics();
        g.drawImage(src, 0, 0, null);
        g.dispose();
        return out;
    }

    public static byte[] jpeg(BufferedImage img) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ImageIO.write(img, "jpg", bytes);
        return bytes.toByteArray();
    }

    /** A 20000x20000 PNG header with almost no data: decoding it would need 1.2 GB. */
    static byte[] pngBomb() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
        java.nio.ByteBuffer ihdr = java.nio.ByteBuffer.allocate(13);
        ihdr.putInt(20000).putInt(20000).put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
        chunk(out, "IHDR", ihdr.array());
        java.util.zip.Deflater d = new java.util.zip.Deflater(9);
        d.setInput(new byte[1 << 20]);
        d.finish();
        byte[] buf = new byte[1 << 16];
        int n = d.deflate(buf);
        chunk(out, "IDAT", Arrays.copyOf(buf, n));
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) throws IOException {
        java.nio.ByteBuffer len = java.nio.ByteBuffer.allocate(4).putInt(data.length);
        out.write(len.array());
        byte[] t = type.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        out.write(t);
        out.write(data);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(t);
        crc.update(data);
        out.write(java.nio.ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    /** An Adobe-style CMYK JPEG, written with TwelveMonkeys' writer from a 4-channel raster. */
    static byte[] cmykJpeg(BufferedImage rgb) throws IOException {
        int w = rgb.getWidth();
        int h = rgb.getHeight();
        java.awt.image.WritableRaster raster = java.awt.image.Raster.createInterleavedRaster(
                java.awt.image.DataBuffer.TYPE_BYTE, w, h, 4, null);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int p = rgb.getRGB(x, y);
                double r = ((p >> 16) & 255) / 255.0;
                double g = ((p >> 8) & 255) / 255.0;
                double b = (p & 255) / 255.0;
                double k = 1 - Math.max(r, Math.max(g, b));
                double c = k >= 1 ? 0 : (1 - r - k) / (1 - k);
                double m = k >= 1 ? 0 : (1 - g - k) / (1 - k);
                double yy = k >= 1 ? 0 : (1 - b - k) / (1 - k);
                // Adobe CMYK JPEGs store inverted ink values.
                raster.setPixel(x, y, new int[] {255 - (int) (c * 255), 255 - (int) (m * 255), 255 - (int) (yy * 255),
                    255 - (int) (k * 255)});
            }
        }
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("jpeg");
        ImageWriter writer = writers.next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ImageOutputStream ios = ImageIO.createImageOutputStream(bytes)) {
            writer.setOutput(ios);
            writer.write(null, new IIOImage(raster, null, null), null);
        } finally {
            writer.dispose();
        }
        return withAdobeMarker(bytes.toByteArray());
    }

    /** Adds the APP14 "Adobe" segment (transform 0: plain CMYK) that real CMYK JPEGs carry. */
    static byte[] withAdobeMarker(byte[] jpeg) {
        if (new String(jpeg, java.nio.charset.StandardCharsets.ISO_8859_1).contains("Adobe")) {
            return jpeg;
        }
        byte[] app14 = {(byte) 0xFF, (byte) 0xEE, 0, 14, 'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, 0};
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(jpeg, 0, 2);
        out.write(app14, 0, app14.length);
        out.write(jpeg, 2, jpeg.length - 2);
        return out.toByteArray();
    }

    /** Inserts an APP1 EXIF segment with the given orientation right after the SOI marker. */
    static byte[] withExifOrientation(byte[] jpeg, int orientation) {
        byte[] tiff = {
            'M', 'M', 0, 42, 0, 0, 0, 8, // big-endian TIFF header, IFD at offset 8
            0, 1, // one entry
            0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, (byte) orientation, 0, 0, // Orientation, SHORT, 1 value
            0, 0, 0, 0 // no next IFD
        };
        byte[] exifHeader = {'E', 'x', 'i', 'f', 0, 0};
        int length = 2 + exifHeader.length + tiff.length;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(jpeg, 0, 2);
        out.write(0xFF);
        out.write(0xE1);
        out.write(length >> 8);
        out.write(length & 255);
        out.write(exifHeader, 0, exifHeader.length);
        out.write(tiff, 0, tiff.length);
        out.write(jpeg, 2, jpeg.length - 2);
        return out.toByteArray();
    }

    static Path write(Path p, byte[] bytes) throws IOException {
        Files.write(p, bytes);
        return p;
    }

    static Path writeImage(Path p, BufferedImage img, String format) throws IOException {
        if (!ImageIO.write(img, format, p.toFile())) {
            throw new IOException("no writer for " + format + " " + img.getType());
        }
        return p;
    }
}
