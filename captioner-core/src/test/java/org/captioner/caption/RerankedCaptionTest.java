package org.captioner.caption;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import org.captioner.ProjectFiles;
import org.captioner.image.PhotoReader;
import org.captioner.metrics.Chair;
import org.junit.jupiter.api.Test;

/** The default bundle's reranking on the sample photos. */
class RerankedCaptionTest {

    @Test
    void theRerankedBestIsOneOfTheBeamsCaptionsAndNamesNoObjectTheSearchsBestDoesNot() throws Exception {
        PhotoReader reader = new PhotoReader();
        List<BufferedImage> photos = new ArrayList<>();
        for (String name : List.of("kitten.jpg", "fox.png", "dog-cat.jpg", "dog_bike_car.jpg", "mountains.png")) {
            photos.add(reader.read(ProjectFiles.sample(name)));
        }
        Chair objects = Chair.standard();
        try (Captioner captioner = Captioner.open(ProjectFiles.defaultModel(), new EncoderResolver(null, List.of()))) {
            assertTrue(captioner.canRerank(), "the default bundle has a caption matcher");
            CaptionOptions defaults = captioner.defaultOptions();
            assertTrue(captioner.rerankWeight(defaults) > 0, "and reranks with it by default");
            assertEquals(0, captioner.rerankWeight(defaults.withRerank(0.0)));
            // A weight given stays through the other settings; sampling is never reranked.
            CaptionOptions five = defaults.withRerank(5.0).withBeam(3).withNBest(2).withGrounding(null).withBatchSize(4)
                    .withAttention(true);
            assertEquals(5.0, captioner.rerankWeight(five));
            // One caption per photo at beam 1: nothing to rerank.
            assertEquals(0, captioner.rerankWeight(five.withBeam(1)));
            assertEquals(0, captioner.rerankWeight(new CaptionOptions(1, 1, 20, 0, 0.7, 0, 8).withRerank(5.0)));
            int beam = defaults.beam();
            // The search's own order, all of the beam's captions.
            List<List<ScoredCaption>> pool = captioner.captionImages(photos, defaults.withRerank(0.0).withNBest(beam));
            // A weight so large that the matcher alone decides among the captions that may come first.
            List<List<ScoredCaption>> matched = captioner.captionImages(photos, defaults.withRerank(100.0));
            List<List<ScoredCaption>> reranked = captioner.captionImages(photos, defaults.withNBest(beam));
            int moved = 0;
            for (int i = 0; i < photos.size(); i++) {
                List<String> texts = pool.get(i).stream().map(ScoredCaption::text).toList();
                String best = matched.get(i).get(0).text();
                assertTrue(texts.contains(best), best + " not among " + texts);
                assertTrue(objects.classesIn(texts.get(0)).containsAll(objects.classesIn(best)),
                        best + " names an object " + texts.get(0) + " does not");
                // Reranking reorders the beam's captions; it finds no others.
                assertEquals(texts.stream().sorted().toList(),
                        reranked.get(i).stream().map(ScoredCaption::text).sorted().toList());
                moved += best.equals(texts.get(0)) ? 0 : 1;
                // Reranked captions carry the matcher's cosine, in the order it and the score make.
                assertTrue(pool.get(i).stream().allMatch(c -> c.match() == null), "not reranked, no match");
                List<ScoredCaption> order = reranked.get(i);
                assertTrue(order.stream().allMatch(c -> c.match() != null && Math.abs(c.match()) <= 1.0001), order.toString());
                double weight = captioner.rerankWeight(defaults);
                ScoredCaption first = order.get(0);
                ScoredCaption top = pool.get(i).get(0);
                double topMatch = order.stream().filter(c -> c.text().equals(top.text())).findFirst().orElseThrow().match();
                assertTrue(first.text().equals(top.text())
                        || first.score() + weight * first.match() >= top.score() + weight * topMatch - 1e-6,
                        "the reranked first outscores the search's best: " + order);
            }
            assertTrue(moved > 0, "the matcher changed no photo's caption: " + matched);
            // Attention maps follow the caption shown: one map per word of the reranked best.
            List<List<ScoredCaption>> mapped = captioner.captionImages(photos,
                    defaults.withRerank(100.0).withAttention(true));
            for (int i = 0; i < photos.size(); i++) {
                ScoredCaption best = mapped.get(i).get(0);
                assertEquals(matched.get(i).get(0).text(), best.text());
                assertEquals(best.text().split(" ").length, best.attention().length, best.text());
            }
        }
    }
}
