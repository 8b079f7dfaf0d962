package org.captioner.caption;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.captioner.ProjectFiles;
import org.captioner.image.PhotoReader;
import org.captioner.objects.PhotoColours;
import org.junit.jupiter.api.Test;

/** The default bundle's captions of the sample photos, held to their colours. */
class ColourWordsCaptionTest {

    @Test
    void noCaptionNamesAHueThePhotoHasAlmostNoneOf() throws Exception {
        PhotoReader reader = new PhotoReader();
        List<BufferedImage> photos = new ArrayList<>();
        List<String> names = List.of("kitten.jpg", "fox.png", "dog-cat.jpg", "dog_bike_car.jpg", "mountains.png");
        for (String name : names) {
            photos.add(reader.read(ProjectFiles.sample(name)));
        }
        try (Captioner captioner = Captioner.open(ProjectFiles.defaultModel(), new EncoderResolver(null, List.of()))) {
            CaptionOptions options = captioner.defaultOptions();
            List<List<ScoredCaption>> found = captioner.captionImages(photos, options.withNBest(options.beam()));
            List<List<ScoredCaption>> ungrounded;
            System.setProperty("captioner.colours", "false");
            try {
                ungrounded = captioner.captionImages(photos, options.withNBest(options.beam()));
            } finally {
                System.clearProperty("captioner.colours");
            }
            int absentNamedUngrounded = 0;
            for (int i = 0; i < photos.size(); i++) {
                float[] shares = PhotoColours.of(photos.get(i));
                for (int k = 0; k < shares.length; k++) {
                    String hue = PhotoColours.NAMES.get(k);
                    if (shares[k] >= PhotoColours.ABSENT) {
                        continue;
                    }
                    for (ScoredCaption c : found.get(i)) {
                        assertFalse(Arrays.asList(c.text().split(" ")).contains(hue),
                                names.get(i) + " has " + shares[k] + " " + hue + ": " + c.text());
                    }
                    for (ScoredCaption c : ungrounded.get(i)) {
                        absentNamedUngrounded += Arrays.asList(c.text().split(" ")).contains(hue) ? 1 : 0;
                    }
                }
            }
            // Without the rule the search does name them (the kitten's "red carpet"): it is what keeps them out.
            assertTrue(absentNamedUngrounded > 0, "no ungrounded caption named an absent hue: " + ungrounded);
        }
    }
}
