package org.captioner.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.captioner.provenance.TrainingSettings;
import org.captioner.text.Vocabulary;
import org.junit.jupiter.api.Test;

class SelfCriticalRewardTest {

    private static CaptionCorpus corpus(Vocabulary vocabulary) {
        Map<String, float[]> features = new LinkedHashMap<>();
        features.put("park", new float[] {1, 0});
        features.put("beach", new float[] {0, 1});
        Map<String, List<String>> captions = new LinkedHashMap<>();
        captions.put("park", List.of("a man walks a dog in the park", "a dog runs in the park",
                "a man and his dog in a park"));
        captions.put("beach", List.of("a girl runs on the beach", "a child plays on the sand",
                "a girl on the beach"));
        return CaptionCorpus.of(features, captions, vocabulary, 20);
    }

    @Test
    void eachObjectClassNoReferenceNamesCostsThePenalty() {
        Vocabulary vocabulary = Vocabulary.of(List.of("a", "man", "walks", "dog", "in", "the", "park", "runs", "and",
                "his", "girl", "on", "beach", "child", "plays", "sand", "cat", "bike"));
        CaptionCorpus train = corpus(vocabulary);
        SelfCriticalSampler plain = new SelfCriticalSampler(train, vocabulary, 5, 20);
        SelfCriticalSampler penalised = new SelfCriticalSampler(train, vocabulary, 5, 20, 0.5);
        // The park's references name a person and a dog: naming them costs nothing.
        String named = "a man walks a dog in the park";
        assertEquals(plain.reward(0, named, true), penalised.reward(0, named, true), 1e-12);
        // A cat and a bike that no reference names: two classes, twice the penalty.
        String invented = "a cat and a bike in the park";
        assertEquals(plain.reward(0, invented, true) - 1.0, penalised.reward(0, invented, true), 1e-12);
        // The same class named twice ("dog" at the beach, whose references have no dog) is one class.
        String twice = "a dog and a dog on the beach";
        assertEquals(plain.reward(1, twice, true) - 0.5, penalised.reward(1, twice, true), 1e-12);
        assertTrue(penalised.reward(1, "a girl runs on the beach", true) > penalised.reward(1, twice, true));
    }

    @Test
    void thePenaltyBelongsToSelfCriticalTraining() {
        TrainingSettings d = TrainingSettings.defaults();
        assertThrows(IllegalArgumentException.class, () -> new TrainingSettings(d.epochs(), d.batchSize(),
                d.learningRate(), d.lrDecay(), d.lrDecayEvery(), d.clipNorm(), 0, d.maxWords(), d.minWordCount(),
                d.seed(), true, TrainingSettings.Objective.CROSS_ENTROPY, 5, null, false, 0.5));
        assertThrows(IllegalArgumentException.class, () -> new TrainingSettings(d.epochs(), d.batchSize(),
                d.learningRate(), d.lrDecay(), d.lrDecayEvery(), d.clipNorm(), 0, d.maxWords(), d.minWordCount(),
                d.seed(), true, TrainingSettings.Objective.SELF_CRITICAL, 5, null, false, -1));
        assertEquals(0, d.hallucinationPenalty(), 0);
    }
}
