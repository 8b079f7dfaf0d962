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

    @Test
    void refusesLabelsOfOneKind() {
        float[][] x = {{1}, {2}};
        assertThrows(IllegalArgumentException.class, () -> new ConceptTrainer().fit("c", x, new boolean[] {true, true}));
    }

    @Test
    void detectorsSurviveAFileRoundTrip(@TempDir Path dir) throws Exception {
        ConceptDetectors.Detector d = new ConceptDetectors.Detector("person", 12, 0.93, -0.5f, new float[] {0.25f, -1f});
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
