package org.captioner.caption;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.List;
import org.captioner.ProjectFiles;
import org.captioner.image.PhotoReader;
import org.captioner.objects.Grounding;
import org.junit.jupiter.api.Test;

/**
 * The default bundle on the sample photos, with and without required words (its grounding's R):
 * checked by eye once and pinned here.
 */
class RequiredWordsCaptionTest {

    @Test
    void whatThePhotoClearlyShowsIsNamedAndAnAnimalWithoutAWordIsNamedByImageNet() throws Exception {
        PhotoReader reader = new PhotoReader();
        List<BufferedImage> photos = List.of(reader.read(ProjectFiles.sample("kitten.jpg")),
                reader.read(ProjectFiles.sample("fox.png")), reader.read(ProjectFiles.sample("dog-cat.jpg")));
        try (Captioner captioner = Captioner.open(ProjectFiles.defaultModel(), new EncoderResolver(null, List.of()))) {
            CaptionOptions defaults = captioner.defaultOptions();
            Grounding.Settings own = captioner.grounding(defaults);
            assertEquals(0.7, own.require(), 1e-9, "the bundle requires what it sees with evidence 0.7");
            assertEquals(0.5, own.ruleOut(), 1e-9, "and rules out a detector's words below 0.5");
            assertEquals(0.5, own.alone(), 1e-9, "and has a photo with no one in it name what it shows at 0.5");
            // Nothing required at all: neither what is clearly seen nor what a photo with no one shows.
            Grounding.Settings none = new Grounding.Settings(own.threshold(), own.weight(), own.bonus(), 0, own.ruleOut(),
                    0);
            List<List<ScoredCaption>> required = captioner.captionImages(photos, defaults.withNBest(2));
            List<List<ScoredCaption>> plain = captioner.captionImages(photos, defaults.withGrounding(none));
            // The kitten (ImageNet: cat 0.99): its plain caption is of a child on a carpet; required, a cat.
            String kitten = required.get(0).get(0).text();
            assertTrue(kitten.matches(".*\\bcat\\b.*"), kitten);
            assertFalse(plain.get(0).get(0).text().contains("cat"), plain.get(0).get(0).text());
            // Both of the n-best meet the requirement where both could be found.
            assertTrue(required.get(0).get(1).text().matches(".*\\b(cat|cats|kitty)\\b.*"), required.get(0).toString());
            // The fox: no word for it, nothing required; "animal" takes the place the dog's penalty left, and
            // ImageNet, sure of an Arctic fox (0.98), names it; with that off, it stays "animal".
            assertTrue(required.get(1).get(0).text().contains(" fox "), required.get(1).get(0).text());
            String before = System.getProperty("captioner.nameAnimals");
            System.setProperty("captioner.nameAnimals", "false");
            try {
                String animal = captioner.captionImages(List.of(photos.get(1)), defaults).get(0).get(0).text();
                assertTrue(animal.contains(" animal "), animal);
            } finally {
                if (before == null) {
                    System.clearProperty("captioner.nameAnimals");
                } else {
                    System.setProperty("captioner.nameAnimals", before);
                }
            }
            // The dog-and-cat photo names its dog anyway: the plain caption is kept.
            assertEquals(plain.get(2).get(0).text(), required.get(2).get(0).text());
        }
    }
}
