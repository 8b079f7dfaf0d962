package org.captioner.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.captioner.SharedData;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Every ../shared/eval/*.expected.json is reproduced to 1e-6 from its annotations and results. */
class SharedVectorsTest {

    @TestFactory
    Stream<DynamicTest> reproducesCocoEvaluationScores() throws Exception {
        Path eval = SharedData.require("eval");
        List<Path> expected;
        try (Stream<Path> s = Files.list(eval)) {
            expected = s.filter(p -> p.toString().endsWith(".expected.json")).sorted().toList();
        }
        assertFalse(expected.isEmpty(), "no expected vectors in " + eval);
        return expected.stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
            String stem = file.getFileName().toString().replace(".expected.json", "");
            Map<String, List<String>> refs = CocoCaptionFiles.readReferences(eval.resolve(stem + ".annotations.json"));
            Map<String, String> results = CocoCaptionFiles.readResults(eval.resolve(stem + ".results.json"));
            @SuppressWarnings("unchecked")
            Map<String, Object> want = new ObjectMapper().readValue(file.toFile(), Map.class);
            Map<String, Double> got = new CaptionScorer().score(refs, results).asCocoMap();
            for (Map.Entry<String, Double> e : got.entrySet()) {
                assertEquals(((Number) want.get(e.getKey())).doubleValue(), e.getValue(), 1e-6, stem + " " + e.getKey());
            }
        }));
    }
}
