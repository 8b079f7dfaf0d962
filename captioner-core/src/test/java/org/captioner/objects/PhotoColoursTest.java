package org.captioner.objects;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.List;
import org.captioner.ProjectFiles;
import org.captioner.image.PhotoReader;
import org.captioner.search.WordBiases;
import org.captioner.text.Vocabulary;
import org.junit.jupiter.api.Test;

class PhotoColoursTest {

    private static int index(String colour) {
        return PhotoColours.NAMES.indexOf(colour);
    }

    private static BufferedImage filled(int w, int h, Color background) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(background);
        g.fillRect(0, 0, w, h);
        g.dispose();
        return image;
    }

    @Test
    void eachHueIsItsShareOfThePixels() {
        BufferedImage image = filled(300, 200, new Color(40, 70, 200));
        Graphics2D g = image.createGraphics();
        g.setColor(new Color(220, 20, 30));
        g.fillRect(0, 0, 150, 100); // a quarter red
        g.dispose();
        float[] shares = PhotoColours.of(image);
        assertEquals(0.25, shares[index("red")], 0.02);
        assertEquals(0.75, shares[index("blue")], 0.02);
        assertEquals(0, shares[index("green")]);
        assertEquals(0, shares[index("yellow")]);
    }

    @Test
    void greysDarkAndWashedOutPixelsHaveNoHue() {
        for (Color c : List.of(Color.WHITE, Color.BLACK, Color.GRAY, new Color(30, 20, 20), new Color(200, 195, 190))) {
            float[] shares = PhotoColours.of(filled(50, 50, c));
            for (float s : shares) {
                assertEquals(0, s, c.toString());
            }
        }
        // Pale red is pink; a clear red is red; dark orange is brown, which is not checked.
        assertEquals(1, PhotoColours.of(filled(20, 20, new Color(240, 150, 160)))[index("pink")]);
        assertEquals(1, PhotoColours.of(filled(20, 20, new Color(230, 30, 20)))[index("red")]);
        assertEquals(1, PhotoColours.of(filled(20, 20, new Color(250, 150, 20)))[index("orange")]);
        assertEquals(0, PhotoColours.of(filled(20, 20, new Color(120, 70, 20)))[index("orange")]);
    }

    @Test
    void theKittenLiesOnBlueWithAlmostNoRed() throws Exception {
        float[] kitten = PhotoColours.of(new PhotoReader().read(ProjectFiles.sample("kitten.jpg")));
        assertTrue(kitten[index("red")] < PhotoColours.ABSENT, "red " + kitten[index("red")]);
        assertTrue(kitten[index("blue")] > 0.2, "blue " + kitten[index("blue")]);
        float[] bicycle = PhotoColours.of(new PhotoReader().read(ProjectFiles.sample("dog_bike_car.jpg")));
        assertTrue(bicycle[index("red")] > PhotoColours.ABSENT, "the red bicycle: " + bicycle[index("red")]);
    }

    @Test
    void absentHuesAreRuledOutAndUnknownPhotosAreNot() {
        Vocabulary v = Vocabulary.of(List.of("a", "red", "blue", "dog"));
        float[] blueOnly = new float[PhotoColours.NAMES.size()];
        blueOnly[index("blue")] = 0.5f;
        WordBiases b = PhotoColours.biases(v, new float[][] {blueOnly, null});
        assertEquals(List.of(v.id("red"), v.id("blue")), java.util.Arrays.stream(b.words()).boxed().toList());
        assertEquals(Grounding.RULED_OUT, b.perImage()[0][0]);
        assertEquals(0f, b.perImage()[0][1]);
        assertEquals(0f, b.perImage()[1][0], "no pixels known, nothing ruled out");
    }
}
