package org.captioner.objects;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConceptTrainerTest {

    @Test
    void aucCountsPairsRankedRightAndTiesAsHalf() {
        boolean[] y = {false, false, true, true};
        assertEquals(1.0, ConceptTrainer.auc(new float[] {0.1f, 0.2f, 0.8f, 0.9f}, y), 1e-12);
        assertEquals(0.0, ConceptTrainer.auc(new float[] {0.9f, 0.8f, 0.2f, 0.1f}, y), 1e-12);
        assertEquals(0.5, ConceptTrainer.auc(new float[] {0.5f, 0.5f, 0.5f, 0.5f}, y), 1e-12);
        // Positives at 0.3 and 0.9 against negatives at 0.1 and 0.5: 3 of 4 pairs right.
        assertEquals(0.75, ConceptTrainer.auc(new float[] {0.1f, 0.5f, 0.3f, 0.9f}, y), 1e-12);
        assertTrue(Double.isNaN(ConceptTrainer.auc(new float[] {0.1f, 0.2f}, new boolean[] {true, true})));
    }

    /** Rows whose label is carried by feature 1 (offset and scaled far from 0/1); the rest is noise. */
    private static float[][] rows(Random random, boolean[] labels) {
        float[][] x = new float[labels.length][4];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = random.nextDouble() < 0.1;
            x[i][0] = (float) random.nextGaussian();
            x[i][1] = (float) (500 + 40 * ((labels[i] ? 1.5 : -1.5) + random.nextGaussian()));
            x[i][2] = (float) (random.nextGaussian() * 0.01);
            x[i][3] = 7;
        }
        return x;
    }

    @Test
    void learnsARareClassOnRawFeaturesAndIsDeterministic() {
        Random random = new Random(3);
        boolean[] y = new boolean[2000];
        float[][] x = rows(random, y);
        ConceptDetectors.Detector d = new ConceptTrainer().fit("skateboard", x, y);
        ConceptDetectors.Detector again = new ConceptTrainer().fit("skateboard", x, y);
        assertArrayEquals(d.weights(), again.weights());
        assertEquals(d.bias(), again.bias());

        boolean[] heldY = new boolean[1000];
        float[][] held = rows(random, heldY);
        float[][] p = new ConceptDetectors(new ConceptDetectors.Spec(null, null, List.of(d))).probabilities(held);
        float[] scores = new float[p.length];
        double meanPos = 0;
        double meanNeg = 0;
        int pos = 0;
        for (int i = 0; i < p.length; i++) {
            scores[i] = p[i][0];
            if (heldY[i]) {
                meanPos += p[i][0];
                pos++;
            } else {
                meanNeg += p[i][0];
            }
        }
        assertTrue(ConceptTrainer.auc(scores, heldY) > 0.95, "held-out AUC " + ConceptTrainer.auc(scores, heldY));
        // Balanced weighting: a 10 % class is not learnt as "never" (positives well above 0.5).
        assertTrue(meanPos / pos > 0.7 && meanNeg / (p.length - pos) < 0.3, meanPos / pos + " / " + meanNeg / (p.length - pos));
    }

    /**
     * Grids of 8 regions of 4 features: in a positive photo one region, anywhere, shows the class
     * on feature 1 (offset and scaled far from 0/1); every other value is noise.
     */
    private static float[][] grids(Random random, boolean[] labels) {
        int regions = 8;
        float[][] x = new float[labels.length][regions * 4];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = random.nextDouble() < 0.3;
            int shows = labels[i] ? random.nextInt(regions) : -1;
            for (int r = 0; r < regions; r++) {
                x[i][r * 4] = (float) random.nextGaussian();
                x[i][r * 4 + 1] = (float) (500 + 40 * ((r == shows ? 5 : 0) + random.nextGaussian()));
                x[i][r * 4 + 2] = (float) random.nextGaussian();
                x[i][r * 4 + 3] = 7;
            }
        }
        return x;
    }

    private static double heldOutAuc(ConceptDetectors.Detector d, float[][] x, boolean[] y) {
        float[][] p = new ConceptDetectors(new ConceptDetectors.Spec(null, null, List.of(d))).probabilities(x);
        float[] scores = new float[p.length];
        for (int i = 0; i < p.length; i++) {
            scores[i] = p[i][0];
        }
        return ConceptTrainer.auc(scores, y);
    }

    @Test
    void aRegionDetectorFindsTheOneRegionThatShowsTheClassWhereThePooledOneBlursIt() {
        Random random = new Random(5);
        boolean[] y = new boolean[1500];
        float[][] x = grids(random, y);
        ConceptTrainer trainer = new ConceptTrainer(0.1, 300, 0.01);
        ConceptDetectors.Detector regions = trainer.fitRegions("person", x, 4, y);
        ConceptDetectors.Detector again = trainer.fitRegions("person", x, 4, y);
        assertTrue(regions.regions());
        assertArrayEquals(regions.weights(), again.weights());
        assertEquals(regions.bias(), again.bias());
        float[][] pooled = new float[x.length][4];
        for (int i = 0; i < x.length; i++) {
            for (int k = 0; k < x[i].length; k++) {
                pooled[i][k % 4] += x[i][k] / 8;
            }
        }
        ConceptDetectors.Detector mean = new ConceptTrainer().fit("person", pooled, y);

        boolean[] heldY = new boolean[1000];
        float[][] held = grids(random, heldY);
        double regionAuc = heldOutAuc(regions, held, heldY);
        // The pooled detector reads each grid's mean (ConceptDetectors pools it).
        double meanAuc = heldOutAuc(mean, held, heldY);
        assertTrue(regionAuc > 0.97, "region detector held-out AUC " + regionAuc + ", pooled " + meanAuc);
        assertTrue(regionAuc > meanAuc + 0.03, "region " + regionAuc + " against pooled " + meanAuc);
    }

    @Test
    void aRegionDetectorIsTheSameWhateverTheNumberOfThreads() throws Exception {
        Random random = new Random(7);
        boolean[] y = new boolean[1200];
        float[][] x = grids(random, y);
        ConceptTrainer trainer = new ConceptTrainer(0.1, 20, 0.01);
        ConceptDetectors.Detector[] fits = new ConceptDetectors.Detector[2];
        int[] threads = {1, 4};
        for (int k = 0; k < 2; k++) {
            // A parallel stream started inside a pool runs on that pool's threads.
            java.util.concurrent.ForkJoinPool pool = new java.util.concurrent.ForkJoinPool(threads[k]);
            try {
                fits[k] = pool.submit(() -> trainer.fitRegions("person", x, 4, y)).get();
            } finally {
                pool.shutdown();
            }
        }
        assertArrayEquals(fits[0].weights(), fits[1].weights());
        assertEquals(fits[0].bias(), fits[1].bias());
    }

    @Test
    void theShowAndTellModelsDetectorsReadPooledFeatures() throws Exception {
        // Written before region detectors existed: no "regions" field, which must read as pooled.
        ConceptDetectors old = ConceptDetectors.read(
                org.captioner.ProjectFiles.showAndTellModel().resolve(ConceptDetectors.FILE));
        assertTrue(!old.readsRegions() && old.names().contains("person"), old.names().toString());
        assertTrue(ConceptDetectors.read(org.captioner.ProjectFiles.defaultModel().resolve(ConceptDetectors.FILE))
                .readsRegions());
    }

    @Test
    void aRegionDetectorScoresTheSoftMaximumOfItsRegionsAndNeedsAGrid() {
        float[] w = {1f, 0f};
        var regions = new ConceptDetectors(new ConceptDetectors.Spec(null, null,
                List.of(new ConceptDetectors.Detector("person", 1, 1, 0f, w, true))));
        var pooled = new ConceptDetectors(new ConceptDetectors.Spec(null, null,
                List.of(new ConceptDetectors.Detector("person", 1, 1, 0f, w, false))));
        float[][] grid = {{2f, 0f, 0f, 5f}};
        double softMax = Math.log((Math.exp(2) + Math.exp(0)) / 2);
        assertEquals(1 / (1 + Math.exp(-softMax)), regions.probabilities(grid)[0][0], 1e-6);
        assertTrue(regions.readsRegions());
        // A pooled detector reads a grid's mean: (2 + 0) / 2 on feature 0.
        assertEquals(1 / (1 + Math.exp(-1.0)), pooled.probabilities(grid)[0][0], 1e-6);
        assertEquals(pooled.probabilities(new float[][] {{1f, 2.5f}})[0][0], pooled.probabilities(grid)[0][0], 1e-6);
        assertThrows(IllegalArgumentException.class, () -> regions.probabilities(new float[][] {{1f, 2.5f}}));
        assertThrows(IllegalArgumentException.class, () -> pooled.probabilities(new float[][] {{1f, 2f, 3f}}));
    }

    @Test
    void filesWrittenBeforeRegionDetectorsReadAsPooledDetectors(@TempDir Path dir) throws Exception {
        Path file = dir.resolve(ConceptDetectors.FILE);
        Files.writeString(file, "{\"encoderSha256\": \"abc\", \"trainedOn\": \"t\", \"detectors\": [{\"name\": \"person\","
                + " \"positives\": 3, \"devAuc\": 0.9, \"bias\": 0.5, \"weights\": [1.0, 2.0]}]}");
        ConceptDetectors in = ConceptDetectors.read(file);
        assertTrue(!in.readsRegions());
        assertEquals(1 / (1 + Math.exp(-2.5)), in.probabilities(new float[][] {{0f, 1f}})[0][0], 1e-6);
    }

    @Test
    void refusesLabelsOfOneKind() {
        float[][] x = {{1}, {2}};
        assertThrows(IllegalArgumentException.class, () -> new ConceptTrainer().fit("c", x, new boolean[] {true, true}));
    }

    @Test
    void detectorsSurviveAFileRoundTrip(@TempDir Path dir) throws Exception {
        ConceptDetectors.Detector d = new ConceptDetectors.Detector("person", 12, 0.93, -0.5f, new float[] {0.25f, -1f}, false);
        ConceptDetectors out = new ConceptDetectors(new ConceptDetectors.Spec("abc", "test", List.of(d)));
        Path file = dir.resolve(ConceptDetectors.FILE);
        out.write(file);
        ConceptDetectors in = ConceptDetectors.read(file);
        assertEquals(List.of("person"), in.names());
        assertEquals("abc", in.spec().encoderSha256());
        float[][] p = in.probabilities(new float[][] {{2f, 0f}});
        assertEquals(1 / (1 + Math.exp(0.0)), p[0][0], 1e-6, "σ(0.25·2 − 0.5) = 0.5");
        assertTrue(Files.size(file) > 0);
    }
}
