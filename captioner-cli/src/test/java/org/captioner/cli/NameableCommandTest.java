package org.captioner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.captioner.ProjectFiles;
import org.captioner.objects.NameableWords;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NameableCommandTest {

    /** A Flickr8k-format training split of the shipped sample photos with hand-written captions. */
    private static final Map<String, String> CAPTIONS = Map.of(
            "kitten.jpg", "A kitten lies on a rug .",
            "dog-cat.jpg", "A dog and a cat on the grass .",
            "dog_bike_car.jpg", "An animal beside a bike .",
            "fox.png", "A white animal in the snow .",
            "mountains.png", "Mountains under a blue sky .");

    @Test
    void measuresWhichThingsTheCaptionsNameAndAttachesTheTableToTheBundle(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        Files.createDirectories(data.resolve("images"));
        StringBuilder tokens = new StringBuilder();
        for (var e : CAPTIONS.entrySet()) {
            Files.copy(ProjectFiles.sample(e.getKey()), data.resolve("images").resolve(e.getKey()));
            tokens.append(e.getKey()).append("#0\t").append(e.getValue()).append('\n');
        }
        Files.writeString(data.resolve("Flickr8k.token.txt"), tokens);
        Files.writeString(data.resolve("Flickr_8k.trainImages.txt"), String.join("\n", CAPTIONS.keySet()) + "\n");
        Files.writeString(data.resolve("Flickr_8k.devImages.txt"), "");
        Files.writeString(data.resolve("Flickr_8k.testImages.txt"), "");
        Path bundle = linkedCopy(ProjectFiles.defaultModel(), dir.resolve("bundle"), "objects.json", "nameable-words.json");
        String[] dataset = {"--dataset", "flickr8k", "--data-dir", data.toString()};

        CliRunner.Run features = CliRunner.run(concat(new String[] {"features", "--preprocess", "squash", "--grid",
                "--splits", "train", "--encoder", ProjectFiles.encoder().toString(), "--out", dir.resolve("f").toString()},
                dataset));
        assertEquals(0, features.status(), features.err());
        Path cache;
        try (Stream<Path> s = Files.list(dir.resolve("f"))) {
            cache = s.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        CliRunner.Run run = CliRunner.run(concat(new String[] {"nameable", "--model", bundle.toString(),
                "--features", cache.toString()}, dataset));
        assertEquals(0, run.status(), run.err());

        NameableWords table = NameableWords.read(bundle.resolve(NameableWords.FILE));
        assertEquals(0.7, table.evidence(), 1e-9, "the bundle's own R");
        // ImageNet is sure of the kitten's and the dog-and-cat photo's animals; "kitten" names a cat.
        NameableWords.Word cat = word(table, "cat");
        assertTrue(cat.photos() >= 1 && cat.named() == cat.photos(), cat.toString());
        NameableWords.Word dog = word(table, "dog");
        assertTrue(dog.photos() >= 1 && dog.named() < dog.photos(), "'animal' does not name the dog: " + dog);
        assertTrue(table.measuredOn().contains("train (5 photos)"), table.measuredOn());
        assertTrue(Files.readString(bundle.resolve("objects.json")).contains("\"nameable\" : \"nameable-words.json\""));
        assertTrue(run.err().contains("things nameable"), run.err());
    }

    @Test
    void requiringWordsNeedsABundleWithATableOfNameableThings() throws Exception {
        CliRunner.Run run = CliRunner.run("caption", "--model", ProjectFiles.showAndTellModel().toString(),
                "--grounding", "0.4,2,0,0.7", ProjectFiles.sample("kitten.jpg").toString());
        assertEquals(2, run.status(), run.err());
        assertTrue(run.err().contains("./captioner nameable"), run.err());
        CliRunner.Run bad = CliRunner.run("caption", "--grounding", "0.7,3,0,1.5", ProjectFiles.sample("kitten.jpg").toString());
        assertEquals(2, bad.status(), bad.err());
        assertTrue(bad.err().contains("require"), bad.err());
        // All six parts: the default's own setting, written out; a rule-out above the threshold is refused.
        String kitten = ProjectFiles.sample("kitten.jpg").toString();
        String model = ProjectFiles.defaultModel().toString();
        CliRunner.Run six = CliRunner.run("caption", "--model", model, "--grounding", "0.7,3,0,0.7,0.3,0.5", kitten);
        assertEquals(0, six.status(), six.err());
        assertEquals(CliRunner.run("caption", "--model", model, kitten).out(), six.out());
        CliRunner.Run seven = CliRunner.run("caption", "--model", model, "--grounding", "0.7,3,0,0.7,0.3,0.5,1", kitten);
        assertEquals(2, seven.status(), seven.err());
        CliRunner.Run lonely = CliRunner.run("caption", "--model", model, "--grounding", "0.7,3,0,0.7,0,0.5", kitten);
        assertEquals(2, lonely.status(), lonely.err());
        assertTrue(lonely.err().contains("no one"), lonely.err());
        CliRunner.Run above = CliRunner.run("caption", "--model", model, "--grounding", "0.7,3,0,0.7,0.8", kitten);
        assertEquals(2, above.status(), above.err());
        assertTrue(above.err().contains("rule-out"), above.err());
    }

    @Test
    void rulingOutOrRequiringOfPhotosWithNoOneNeedsConceptDetectors(@TempDir Path dir) throws Exception {
        // The default's files, its objects.json without its concept detectors.
        Path bundle = linkedCopy(ProjectFiles.defaultModel(), dir.resolve("bundle"), "objects.json");
        String spec = Files.readString(ProjectFiles.defaultModel().resolve("objects.json"));
        String noDetectors = spec.replace("\"concepts\" : \"concepts.json\",", "");
        Files.writeString(bundle.resolve("objects.json"), noDetectors);
        assertTrue(!Files.readString(bundle.resolve("objects.json")).contains("concepts"));
        String kitten = ProjectFiles.sample("kitten.jpg").toString();
        for (String g : new String[] {"0.7,3,0,0.7,0.3", "0.7,3,0,0.7,0.3,0.5"}) {
            CliRunner.Run run = CliRunner.run("caption", "--model", bundle.toString(), "--grounding", g, kitten);
            assertEquals(2, run.status(), g + ": " + run.err());
            assertTrue(run.err().contains("no concept detectors"), run.err());
        }
        // Its own setting (with F and A) cannot work either: the bundle is refused when it loads.
        CliRunner.Run own = CliRunner.run("caption", "--model", bundle.toString(), kitten);
        assertTrue(own.status() != 0, own.err());
        assertTrue(own.err().contains("needs concept detectors"), own.err());
        // With F and A out of its setting it captions.
        Files.writeString(bundle.resolve("objects.json"), noDetectors.replaceAll("\"ruleOut\" : [0-9.]+,", "")
                .replace("\"require\" : 0.7,", "\"require\" : 0.7").replace("\"alone\" : 0.5", ""));
        CliRunner.Run fixed = CliRunner.run("caption", "--model", bundle.toString(), kitten);
        assertEquals(0, fixed.status(), fixed.err() + Files.readString(bundle.resolve("objects.json")));
    }

    private static NameableWords.Word word(NameableWords table, String name) {
        return table.words().stream().filter(w -> w.word().equals(name)).findFirst().orElseThrow();
    }

    /** A bundle whose files link to {@code from}'s, except {@code copied} ones (written by the command). */
    static Path linkedCopy(Path from, Path to, String... copied) throws Exception {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : files.toList()) {
                Files.createSymbolicLink(to.resolve(f.getFileName()), f.toAbsolutePath());
            }
        }
        for (String name : copied) {
            Files.deleteIfExists(to.resolve(name));
            if (Files.exists(from.resolve(name))) {
                Files.copy(from.resolve(name), to.resolve(name));
            }
        }
        return to;
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
