package org.captioner;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * A small caption dataset made on the fly: images of one coloured shape on a plain background,
 * each with templated captions ("a red circle on a white background"), written in the Flickr8k
 * layout (token file, split lists, images/) so every reader and command can use it.
 */
public final class ShapesFixture {

    static final String[] COLOURS = {"red", "green", "blue", "yellow"};
    static final Color[] RGB = {new Color(220, 30, 30), new Color(30, 170, 40), new Color(30, 60, 220),
            new Color(240, 220, 20)};
    static final String[] SHAPES = {"circle", "square", "triangle"};
    static final String[] BACKGROUNDS = {"white", "black"};

    /** Image file name → captions, in generation order. */
    public final Map<String, List<String>> captions = new LinkedHashMap<>();
    public final Path dir;

    private ShapesFixture(Path dir) {
        this.dir = dir;
    }

    /** Writes all 24 combinations: 16 train, 4 dev, 4 test. */
    public static ShapesFixture write(Path dir) throws IOException {
        ShapesFixture f = new ShapesFixture(dir);
        Path images = dir.resolve("images");
        Files.createDirectories(images);
        List<String> names = new ArrayList<>();
        StringBuilder tokens = new StringBuilder();
        for (int b = 0; b < BACKGROUNDS.length; b++) {
            for (int s = 0; s < SHAPES.length; s++) {
                for (int c = 0; c < COLOURS.length; c++) {
                    String name = String.format("%s_%s_%s.jpg", COLOURS[c], SHAPES[s], BACKGROUNDS[b]);
                    ImageIO.write(draw(c, s, b, 160), "jpg", images.resolve(name).toFile());
                    List<String> caps = List.of(
                            "A " + COLOURS[c] + " " + SHAPES[s] + " on a " + BACKGROUNDS[b] + " background.",
                            "a " + COLOURS[c] + " " + SHAPES[s] + " on a " + BACKGROUNDS[b] + " background");
                    f.captions.put(name, caps);
                    for (int i = 0; i < caps.size(); i++) {
                        tokens.append(name).append('#').append(i).append('\t').append(caps.get(i)).append('\n');
                    }
                    names.add(name);
                }
            }
        }
        Files.writeString(dir.resolve("Flickr8k.token.txt"), tokens, StandardCharsets.UTF_8);
        // Every 6th image is dev, every 6th (offset 3) is test: all colours and shapes stay in train.
        List<String> train = new ArrayList<>();
        List<String> dev = new ArrayList<>();
        List<String> test = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            (i % 6 == 0 ? dev : i % 6 == 3 ? test : train).add(names.get(i));
        }
        Files.write(dir.resolve("Flickr_8k.trainImages.txt"), train);
        Files.write(dir.resolve("Flickr_8k.devImages.txt"), dev);
        Files.write(dir.resolve("Flickr_8k.testImages.txt"), test);
        return f;
    }

    public static BufferedImage draw(int colour, int shape, int background, int size) {
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(background == 0 ? Color.WHITE : Color.BLACK);
        g.fillRect(0, 0, size, size);
        g.setColor(RGB[colour]);
        int m = size / 5;
        switch (shape) {
            case 0 -> g.fillOval(m, m, size - 2 * m, size - 2 * m);
            case 1 -> g.fillRect(m, m, size - 2 * m, size - 2 * m);
            default -> g.fillPolygon(new int[] {size / 2, m, size - m}, new int[] {m, size - m, size - m}, 3);
        }
        g.dispose();
        return img;
    }
}
