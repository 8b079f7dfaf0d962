package org.captioner.objects;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.List;
import java.util.Set;
import org.captioner.ProjectFiles;
import org.captioner.encoder.EncoderSource;
import org.captioner.encoder.ImageEncoder;
import org.captioner.encoder.Preprocessing;
import org.captioner.image.PhotoReader;
import org.captioner.metrics.Chair;
import org.captioner.search.RequiredWords;
import org.captioner.text.Vocabulary;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The default model's object classifier on the shipped sample photos, checked by eye once and pinned here. */
class ObjectClassifierTest {

    static ImageEncoder encoder;
    static ObjectClassifier objects;
    static Vocabulary vocabulary;

    @BeforeAll
    static void load() throws Exception {
        encoder = ImageEncoder.load(EncoderSource.parse(ProjectFiles.encoder().toString()),
                Preprocessing.parse("squash"));
        vocabulary = Vocabulary.load(ProjectFiles.defaultModel().resolve("vocabulary.json"));
        objects = ObjectClassifier.open(ProjectFiles.defaultModel(), encoder.identity(), vocabulary, true);
    }

    @AfterAll
    static void close() {
        objects.close();
        encoder.close();
    }

    private static float[] probabilities(String sample) throws Exception {
        BufferedImage image = new PhotoReader().read(ProjectFiles.sample(sample));
        return objects.evidence(encoder.encodeGrid(List.of(image)), encoder.featureSize())[0];
    }

    @Test
    void tagsNameWhatIsInThePhotoWithCaptionWords() throws Exception {
        ObjectTag kitten = objects.tags(probabilities("kitten.jpg"), 5, 0.05).get(0);
        assertEquals("cat", kitten.word());
        assertTrue(kitten.probability() > 0.9, kitten.toString());
        ObjectTag fox = objects.tags(probabilities("fox.png"), 5, 0.05).get(0);
        assertEquals("Arctic fox", fox.word(), "no caption word for a fox: the ImageNet label, not 'animal'");
        assertEquals("dog", objects.tags(probabilities("dog_bike_car.jpg"), 5, 0.05).get(0).word());
    }

    @Test
    void groundingPenalisesOnlyTheObjectWordsThePhotoGivesNoEvidenceFor() throws Exception {
        Grounding grounding = Grounding.of(objects.words(), vocabulary);
        float[][] p = {probabilities("kitten.jpg"), probabilities("dog-cat.jpg")};
        var penalties = grounding.biases(p, new Grounding.Settings(0.1, 1));
        int dog = -1;
        int cat = -1;
        for (int j = 0; j < penalties.words().length; j++) {
            String w = vocabulary.word(penalties.words()[j]);
            dog = w.equals("dog") ? j : dog;
            cat = w.equals("cat") ? j : cat;
            assertTrue(!w.equals("man") && !w.equals("people") && !w.equals("skateboard"), w + " cannot be grounded");
        }
        assertTrue(penalties.perImage()[0][dog] < -2, "a kitten photo shows no dog");
        assertEquals(0f, penalties.perImage()[0][cat]);
        assertEquals(0f, penalties.perImage()[1][dog], "the dog-and-cat photo shows a dog");
    }

    @Test
    void conceptDetectorsLetGroundingCheckPersonWords() throws Exception {
        List<String> concepts = objects.conceptClasses();
        assertTrue(concepts.contains("person") && concepts.contains("skateboard"), concepts.toString());
        Grounding grounding = Grounding.of(objects.words(), concepts, vocabulary);
        // The dog photos show no one; a Flickr8k-trained person detector says so (about 0.1).
        float[][] p = {probabilities("dog-cat.jpg"), probabilities("dog_bike_car.jpg")};
        var biases = grounding.biases(p, new Grounding.Settings(0.4, 2));
        int man = -1;
        for (int j = 0; j < biases.words().length; j++) {
            man = vocabulary.word(biases.words()[j]).equals("man") ? j : man;
        }
        assertTrue(man >= 0, "'man' is grounded once a person detector exists");
        assertTrue(biases.perImage()[0][man] < -1 && biases.perImage()[1][man] < -1,
                biases.perImage()[0][man] + ", " + biases.perImage()[1][man]);
    }

    @Test
    void aSeenAnimalFillsTheUnseenOnesPlaceInTheSameNumber() throws Exception {
        Grounding grounding = Grounding.of(objects.words(), objects.conceptClasses(), vocabulary);
        Grounding.Settings settings = new Grounding.Settings(0.7, 3);
        // The kitten: ImageNet is sure of a cat (tabby), and sees no dog.
        float[][] kitten = {probabilities("kitten.jpg")};
        int[] words = grounding.words();
        int[] filled = grounding.fillers(kitten, settings)[0];
        var biases = grounding.biases(kitten, settings, new int[][] {filled}).perImage()[0];
        boolean sawDog = false;
        for (int j = 0; j < words.length; j++) {
            String word = vocabulary.word(words[j]);
            String filler = filled[j] < 0 ? null : vocabulary.word(filled[j]);
            switch (word) {
                case "dog" -> {
                    sawDog = true;
                    assertEquals("cat", filler);
                    assertEquals(0f, biases[j], "a filled place is not penalised");
                }
                case "dogs", "horses" -> assertEquals("cats", filler, word);
                case "cat", "cats" -> assertEquals(null, filler, "a seen class keeps its own word");
                case "puppy", "biking", "horseback" -> assertEquals(null, filler, word + " is not a class's name");
                case "man", "skateboard", "bench" -> {
                    assertEquals(null, filler, word + ": only animals and vehicles stand in for one another");
                    if (!word.equals("man")) {
                        assertTrue(biases[j] < -1, word + " is still penalised: " + biases[j]);
                    }
                }
                default -> { }
            }
        }
        assertTrue(sawDog);
        // Only class names are replaced, once per class, with "a"/"an" following the new word; a word
        // that ends a longer name ("teddy bear", "hot dog") keeps it.
        assertEquals("a cat chases a horse", fill(grounding, filled, "an elephant chases a horse"));
        assertEquals("two cats and a dog", fill(grounding, filled, "two dogs and a dog"));
        assertEquals("a teddy bear and a hot dog", fill(grounding, filled, "a teddy bear and a hot dog"));
        assertEquals("a puppy", fill(grounding, filled, "a puppy"));
        // Nothing is filled with grounding off.
        assertTrue(java.util.Arrays.stream(grounding.fillers(kitten, Grounding.Settings.OFF)[0]).allMatch(f -> f < 0));
        // The fox: no class names an Arctic fox, so the family's word does, once, and no vehicle's place is
        // filled (no "vehicle": people name the vehicle).
        int[] fox = grounding.fillers(new float[][] {probabilities("fox.png")}, settings)[0];
        assertEquals("a white animal runs", fill(grounding, fox, "a white dog runs"));
        assertEquals("two animals and a dog", fill(grounding, fox, "two dogs and a dog"));
        assertEquals("an animal and a horse", fill(grounding, fox, "a horse and a horse"));
        for (int j = 0; j < words.length; j++) {
            String word = vocabulary.word(words[j]);
            if (word.equals("car") || word.equals("bus")) {
                assertEquals(-1, fox[j], word);
            }
        }
        // The kitten's cat, not "animal", takes the dog's place (a named class first).
        assertEquals("a cat", fill(grounding, filled, "a dog"));
    }

    private static String fill(Grounding grounding, int[] filled, String caption) {
        int[] ids = java.util.Arrays.stream(caption.split(" ")).mapToInt(vocabulary::id).toArray();
        return vocabulary.text(grounding.fill(ids, filled, vocabulary));
    }

    @Test
    void aCaptionIsRequiredToNameOnlyNameableThingsThePhotoClearlyShows() throws Exception {
        Set<String> nameable = objects.nameable();
        assertTrue(nameable.contains("cat") && nameable.contains("dog") && nameable.contains("fountain"),
                "object classes and tag words people name: " + nameable);
        assertTrue(!nameable.contains("clothing") && !nameable.contains("vehicle"),
                "ImageNet's hypernyms that Flickr8k's captions never use: " + nameable);
        assertTrue(nameable.contains("pizza"), "a class never seen in Flickr8k keeps the even prior (share 0.5)");
        Grounding grounding = Grounding.of(objects.words(), objects.conceptClasses(), vocabulary, nameable);
        Grounding.Settings settings = new Grounding.Settings(0.7, 3, 0, 0.7);
        float[][] p = {probabilities("kitten.jpg"), probabilities("fox.png")};
        List<RequiredWords> required = grounding.required(p, settings, new int[2][0]);
        // The kitten must be named, by any of the cat class's words; the fox has no caption word
        // (ImageNet's "Arctic fox" tags no vocabulary word), so nothing is required.
        assertEquals(1, required.get(0).count(), required.get(0).anyOf().toString());
        Set<String> words = new java.util.HashSet<>();
        java.util.Arrays.stream(required.get(0).anyOf().get(0)).forEach(id -> words.add(vocabulary.word(id)));
        assertTrue(words.contains("cat") && words.contains("cats") && words.contains("kitty"), words.toString());
        assertEquals(0, required.get(1).count());
        // A word whose place the cat will fill meets the requirement too: "a dog" becomes "a cat".
        int[][] filled = grounding.fillers(new float[][] {p[0]}, settings);
        int[] withFill = grounding.required(new float[][] {p[0]}, settings, filled).get(0).anyOf().get(0);
        assertTrue(java.util.Arrays.stream(withFill).anyMatch(id -> id == vocabulary.id("dog")));
        // Nothing is required with R = 0, or in a bundle without a table of nameable things.
        assertEquals(0, grounding.required(p, new Grounding.Settings(0.7, 3), new int[2][0]).get(0).count());
        Grounding without = Grounding.of(objects.words(), objects.conceptClasses(), vocabulary);
        assertEquals(0, without.required(p, settings, new int[2][0]).get(0).count());
        // A share from photos is smoothed: never seen is even, seen once and named is not certain.
        assertEquals(0.5, new NameableWords.Word("x", 0, 0).share(), 1e-12);
        assertEquals(2.0 / 3, new NameableWords.Word("x", 1, 1).share(), 1e-12);
    }

    @Test
    void aPhotoWithNoOneInItAndNothingNameableMustNameItsBestSeenThingAllTheSame() throws Exception {
        Grounding grounding = Grounding.of(objects.words(), objects.conceptClasses(), vocabulary, objects.nameable());
        ImageNetWords words = objects.words();
        int food = -1;
        int dog = -1;
        for (int c = 0; c < words.size(); c++) {
            food = food < 0 && words.tagWord(c).equals("food") ? c : food;
            dog = dog < 0 && words.tagWord(c).equals("dog") ? c : dog;
        }
        assertTrue(food >= 0 && dog >= 0 && !objects.nameable().contains("food"), "food: a tag Flickr8k seldom names");
        int person = words.size() + objects.conceptClasses().indexOf("person");
        float[] plate = new float[words.size() + objects.conceptClasses().size()];
        plate[food] = 0.6f;
        plate[dog] = 0.1f;
        plate[person] = 0.2f;
        Grounding.Settings alone = new Grounding.Settings(0.7, 3, 0, 0.7, 0.3, 0.5);
        RequiredWords required = grounding.required(new float[][] {plate}, alone, new int[1][0]).get(0);
        assertEquals(1, required.count(), "no one there, nothing nameable: the food must be named");
        assertEquals("food", vocabulary.word(required.anyOf().get(0)[0]));
        // Not below A, not where someone may be there (the person detector at F or more), not with A = 0.
        assertEquals(0, grounding.required(new float[][] {plate}, new Grounding.Settings(0.7, 3, 0, 0.7, 0.3, 0.65),
                new int[1][0]).get(0).count());
        assertEquals(0, grounding.required(new float[][] {withPerson(plate, person, 0.3f)}, alone, new int[1][0])
                .get(0).count());
        assertEquals(0, grounding.required(new float[][] {plate}, new Grounding.Settings(0.7, 3, 0, 0.7, 0.3),
                new int[1][0]).get(0).count());
        // Something nameable seen at R is what is required, alone, even where a thing nobody names is
        // seen better (the plate at 0.8, the dog at 0.75: a photo of a dog, not of a plate).
        float[] dogToo = plate.clone();
        dogToo[dog] = 0.75f;
        dogToo[food] = 0.8f;
        RequiredWords named = grounding.required(new float[][] {dogToo}, alone, new int[1][0]).get(0);
        assertEquals(1, named.count());
        assertEquals(java.util.Set.of("dog"), Chair.standard().classesIn(vocabulary.word(named.anyOf().get(0)[0])));
        // With no one there the required thing is the subject: no verb before it, not named twice; a plate of
        // food is not said to run, a dog may be.
        assertTrue(required.once() && named.once());
        assertTrue(!required.allows(0, vocabulary.id("is")) && !required.allows(0, vocabulary.id("sits")));
        assertTrue(required.allows(0, vocabulary.id("a")) && required.allows(0, vocabulary.id("food")));
        assertTrue(required.allows(1, vocabulary.id("is")) && required.allows(1, vocabulary.id("sitting")));
        assertTrue(!required.allows(1, vocabulary.id("running")) && !required.allows(1, vocabulary.id("food")));
        assertTrue(required.allows(1, vocabulary.id("sits")) && required.allows(1, vocabulary.id("parked")),
                "things sit and are parked");
        assertTrue(!required.allows(1, vocabulary.id("runs")) && !required.allows(1, vocabulary.id("walks")));
        assertTrue(!named.allows(0, vocabulary.id("running")) && named.allows(1, vocabulary.id("running")));
        assertTrue(named.allows(0, vocabulary.id("dogs")), "a thing's names are not verbs: never held back");
        // Where someone may be there, the caption is free to begin as it likes.
        float[] dogAndPerson = withPerson(dogToo, person, 0.8f);
        RequiredWords free = grounding.required(new float[][] {dogAndPerson}, alone, new int[1][0]).get(0);
        assertEquals(1, free.count());
        assertTrue(!free.ordered() && free.allows(0, vocabulary.id("is")));
        assertEquals("0.7,3.0,0.0,0.7,0.3,0.5", alone.describe());
        // A reads the person detector's "no", F any detector's: without them the settings are refused.
        assertEquals(null, alone.unmetBy(List.of("person", "skis")));
        assertTrue(alone.unmetBy(List.of("skis")).contains("no person detector"));
        assertTrue(alone.unmetBy(List.of()).contains("no concept detectors"));
        assertEquals(null, new Grounding.Settings(0.7, 3, 0, 0.7).unmetBy(List.of()));
        assertThrows(IllegalArgumentException.class, () -> new Grounding.Settings(0.7, 3, 0, 0.7, 0, 0.5),
                "without a rule-out level nothing says the photo has no one in it");
    }

    @Test
    void aConceptDetectorsWordsAreRuledOutBelowItsFloorAndImageNetsOnlyPenalised() throws Exception {
        Grounding grounding = Grounding.of(objects.words(), objects.conceptClasses(), vocabulary);
        float[] kitten = probabilities("kitten.jpg");
        int person = objects.words().size() + objects.conceptClasses().indexOf("person");
        Grounding.Settings settings = new Grounding.Settings(0.7, 3, 0, 0, 0.3);
        int man = -1;
        int dog = -1;
        int[] words = grounding.words();
        for (int j = 0; j < words.length; j++) {
            man = vocabulary.word(words[j]).equals("man") ? j : man;
            dog = vocabulary.word(words[j]).equals("dog") ? j : dog;
        }
        kitten[person] = 0.2f;
        float[] low = grounding.biases(new float[][] {kitten}, settings).perImage()[0];
        assertEquals(Grounding.RULED_OUT, low[man], 0f, "the person detector says 0.2: no man");
        assertTrue(low[dog] > Grounding.RULED_OUT && low[dog] < -1,
                "ImageNet sees no dog in the kitten photo (a single-label posterior): penalised only, " + low[dog]);
        kitten[person] = 0.4f;
        float[] between = grounding.biases(new float[][] {kitten}, settings).perImage()[0];
        assertEquals(3 * Math.log(0.4 / 0.7), between[man], 1e-5, "between F and T: the penalty");
        assertEquals(3 * Math.log(0.2 / 0.7), grounding.biases(new float[][] {withPerson(kitten, person, 0.2f)},
                new Grounding.Settings(0.7, 3)).perImage()[0][man], 1e-5, "F 0: never ruled out");
        assertEquals("0.7,3.0,0.0,0.0,0.3", settings.describe());
        assertThrows(IllegalArgumentException.class, () -> new Grounding.Settings(0.7, 3, 0, 0, 0.8));
    }

    private static float[] withPerson(float[] evidence, int column, float p) {
        float[] out = evidence.clone();
        out[column] = p;
        return out;
    }

    @Test
    void theNameableTallyCountsPhotosThatShowAThingAndCaptionsThatNameIt() throws Exception {
        Grounding grounding = Grounding.of(objects.words(), objects.conceptClasses(), vocabulary);
        NameableWords.Tally tally = new NameableWords.Tally(grounding, vocabulary, objects.words(), 0.7);
        float[] kitten = probabilities("kitten.jpg");
        float[] fox = probabilities("fox.png");
        tally.add(kitten, List.of("A kitten lies on a rug .", "a small animal"));
        tally.add(kitten, List.of("A small grey animal ."));
        tally.add(kitten, List.of("Two cats ."));
        tally.add(fox, List.of("A cat in the snow ."));
        NameableWords table = tally.result("test", 0.5);
        NameableWords.Word cat = table.words().stream().filter(w -> w.word().equals("cat")).findFirst().orElseThrow();
        assertEquals(new NameableWords.Word("cat", 3, 2), cat, "the fox shows no cat; 'kitten' and 'cats' name one");
        assertEquals("cat", table.words().get(0).word(), "most photos first");
        java.nio.file.Path file = java.nio.file.Files.createTempFile("nameable", ".json");
        try {
            table.write(file);
            assertEquals(table, NameableWords.read(file));
        } finally {
            java.nio.file.Files.delete(file);
        }
    }

    @Test
    void theWordMostCaptionsOfOneClasssPhotosUseAlsoNamesItsThingInThem() throws Exception {
        ImageNetWords words = objects.words();
        int racket = labelled("racket");
        int shepherd = labelled("German shepherd");
        int dog = -1;
        for (int c = 0; c < words.size() && dog < 0; c++) {
            dog = words.tagWord(c).equals("dog") ? c : dog;
        }
        int width = words.size() + objects.conceptClasses().size();
        float[] tennis = new float[width];
        tennis[racket] = 0.9f;
        float[] park = new float[width];
        park[dog] = 0.9f;
        Grounding plain = Grounding.of(objects.words(), objects.conceptClasses(), vocabulary);
        int photos = NameableWords.ALSO_MIN_PHOTOS;
        // "man", "racket" and "tennis" are in every racket caption and in no other (the dogs' captions,
        // enough of them for a lift above 40): a tie that the alphabet would give to "man", then "racket".
        NameableWords.Tally tally = new NameableWords.Tally(plain, vocabulary, objects.words(), 0.7);
        for (int k = 0; k < photos; k++) {
            tally.add(tennis, List.of(k % 2 == 0 ? "A man swings a racket at tennis ."
                    : "A man holds a racket on a tennis court ."));
            for (int j = 0; j < 40; j++) {
                tally.add(park, List.of(j % 2 == 0 ? "A dog runs in the park ." : "A dog sits on the grass ."));
            }
        }
        NameableWords table = tally.result("test", 0.5);
        assertEquals(List.of(new NameableWords.AlsoNamed(racket, "racket", photos, photos, "tennis")),
                thing(table, "tennis racket").alsoNamed(), "not a person word ('man'), not its own name ('racket')");
        assertTrue(thing(table, "dog").alsoNamed().isEmpty(), "'park' is in half the dog photos: no lift");
        // Captions that call it "tennis" and never "racket": not nameable by its own names, but in the
        // racket's photos by "tennis"; with one photo fewer than needed, not at all.
        NameableWords.Tally called = new NameableWords.Tally(plain, vocabulary, objects.words(), 0.7);
        NameableWords.Tally few = new NameableWords.Tally(plain, vocabulary, objects.words(), 0.7);
        for (int k = 0; k < photos; k++) {
            called.add(tennis, List.of(k % 2 == 0 ? "A man plays tennis ." : "Tennis on a court ."));
            if (k > 0) {
                few.add(tennis, List.of("A man plays tennis ."));
            }
            for (int j = 0; j < 40; j++) {
                called.add(park, List.of("A dog runs ."));
                few.add(park, List.of("A dog runs ."));
            }
        }
        NameableWords calledTable = called.result("test", 0.5);
        assertEquals(0, thing(calledTable, "tennis racket").named());
        assertTrue(!calledTable.nameable().contains("tennis racket"));
        assertEquals(java.util.Map.of("tennis racket", java.util.Map.of(racket, "tennis")), calledTable.alsoNamed());
        assertTrue(few.result("test", 0.5).alsoNamed().isEmpty());
        Grounding.Settings settings = new Grounding.Settings(0.7, 3, 0, 0.7);
        Grounding learnt = Grounding.of(objects.words(), objects.conceptClasses(), vocabulary, Set.of(),
                calledTable.alsoNamed());
        assertEquals(Set.of("tennis", "racket", "racquet"), required(learnt, tennis, settings),
                "required where people name it, by 'tennis' or its own names");
        assertEquals(0, plainRequired(Grounding.of(objects.words(), objects.conceptClasses(), vocabulary, Set.of()),
                tennis, settings).count(), "without the word, nothing");
        // Per class: "german" names the dog in a German shepherd's photo only.
        Grounding shepherds = Grounding.of(objects.words(), objects.conceptClasses(), vocabulary, Set.of(),
                java.util.Map.of("dog", java.util.Map.of(shepherd, "german")));
        float[] shepherdPhoto = new float[width];
        shepherdPhoto[shepherd] = 0.9f;
        assertTrue(required(shepherds, shepherdPhoto, settings).containsAll(Set.of("german", "dog")));
        assertEquals(0, plainRequired(shepherds, park, settings).count(), "another breed: not nameable here");
        // A word of an object the photo shows too little of is not offered, and does not make the thing nameable.
        Grounding ball = Grounding.of(objects.words(), objects.conceptClasses(), vocabulary, Set.of("tennis racket"),
                java.util.Map.of("tennis racket", java.util.Map.of(racket, "ball")));
        assertEquals(Set.of("racket", "racquet"), required(ball, tennis, settings),
                "no ball seen: 'ball' is not offered");
        Grounding ballOnly = Grounding.of(objects.words(), objects.conceptClasses(), vocabulary, Set.of(),
                java.util.Map.of("tennis racket", java.util.Map.of(racket, "ball")));
        assertEquals(0, plainRequired(ballOnly, tennis, settings).count());
        // Not in the subject that a photo with no one in it must name.
        int person = words.size() + objects.conceptClasses().indexOf("person");
        float[] alone = tennis.clone();
        alone[person] = 0.1f;
        RequiredWords subject = plainRequired(learnt, alone, new Grounding.Settings(0.7, 3, 0, 0.7, 0.5, 0.5));
        assertTrue(subject.ordered() && java.util.Arrays.stream(subject.anyOf().get(0))
                .noneMatch(id -> id == vocabulary.id("tennis")),
                "a racket with no one there: the racket is the subject");
        // The table keeps what it learnt through a file; a file from before the words, or from a later
        // version with fields this one does not know, still reads.
        java.nio.file.Path file = java.nio.file.Files.createTempFile("nameable", ".json");
        try {
            table.write(file);
            assertEquals(table, NameableWords.read(file));
            java.nio.file.Files.writeString(file, "{\"measuredOn\":\"x\",\"evidence\":0.7,\"minShare\":0.5,\"later\":1,"
                    + "\"words\":[{\"word\":\"dog\",\"photos\":3,\"named\":2}]}");
            assertEquals(new NameableWords("x", 0.7, 0.5, List.of(new NameableWords.Word("dog", 3, 2))),
                    NameableWords.read(file));
        } finally {
            java.nio.file.Files.delete(file);
        }
    }

    @Test
    void anAnimalTheVocabularyCannotNameIsNamedWhereImageNetIsSureOfIt() throws Exception {
        ImageNetWords words = objects.words();
        int arctic = labelled("Arctic fox");
        int zebra = labelled("zebra");
        assertEquals("fox", words.name(arctic), "WordNet's everyday name: the fox the Arctic fox is a kind of");
        assertEquals("zebra", words.name(zebra));
        Grounding grounding = Grounding.of(objects.words(), objects.conceptClasses(), vocabulary);
        Grounding.Settings settings = new Grounding.Settings(0.7, 4);
        float[] fox = probabilities("fox.png");
        assertTrue(fox[arctic] >= Grounding.NAMED_ANIMAL, "Arctic fox " + fox[arctic]);
        assertEquals("a white fox is running in the snow", String.join(" ", grounding.nameSeenAnimals(
                "a white animal is running in the snow".split(" "), fox, settings)));
        assertEquals("a fox and an animal", String.join(" ", grounding.nameSeenAnimals(
                "an animal and an animal".split(" "), fox, settings)), "the article follows; the name once");
        for (String kept : List.of("two animals are running in the snow", "a dog is running")) {
            String[] caption = kept.split(" ");
            assertTrue(caption == grounding.nameSeenAnimals(caption, fox, settings), kept + ": no plural is made up");
        }
        String[] caption = "a white animal is running".split(" ");
        assertTrue(caption == grounding.nameSeenAnimals(caption, probabilities("kitten.jpg"), settings),
                "a cat has a word: no animal to name");
        assertTrue(caption == grounding.nameSeenAnimals(caption, fox, Grounding.Settings.OFF), "grounding off");
        String[] toy = "a girl holds a stuffed animal".split(" ");
        assertTrue(toy == grounding.nameSeenAnimals(toy, fox, settings), "a stuffed animal is a toy");
        int shepherd = labelled("German shepherd");
        float[] dog = new float[fox.length];
        dog[shepherd] = 0.95f;
        assertEquals("alsatian", words.name(shepherd), "WordNet's everyday name, which the vocabulary lacks");
        assertTrue(caption == grounding.nameSeenAnimals(caption, dog, settings),
                "a dog has a caption word: only animals with none are named");
        float[] unsure = new float[fox.length];
        unsure[arctic] = 0.85f;
        assertTrue(caption == grounding.nameSeenAnimals(caption, unsure, settings),
                "below " + Grounding.NAMED_ANIMAL
                        + " the animal may be a dog, as the grounding that wrote 'animal' doubted");
    }

    /** The ImageNet class with this label (its first name). */
    private static int labelled(String label) {
        ImageNetWords words = objects.words();
        for (int c = 0; c < words.size(); c++) {
            if (words.label(c).equals(label)) {
                return c;
            }
        }
        throw new AssertionError("no ImageNet class " + label);
    }

    private static NameableWords.Word thing(NameableWords table, String name) {
        return table.words().stream().filter(w -> w.word().equals(name)).findFirst().orElseThrow();
    }

    private static RequiredWords plainRequired(Grounding grounding, float[] photo, Grounding.Settings settings) {
        return grounding.required(new float[][] {photo}, settings, new int[1][0]).get(0);
    }

    /** The words of the one thing a photo's caption is required to name. */
    private static Set<String> required(Grounding grounding, float[] photo, Grounding.Settings settings) {
        List<RequiredWords> required = grounding.required(new float[][] {photo}, settings, new int[1][0]);
        assertEquals(1, required.get(0).count());
        Set<String> out = new java.util.HashSet<>();
        java.util.Arrays.stream(required.get(0).anyOf().get(0)).forEach(id -> out.add(vocabulary.word(id)));
        return out;
    }

    @Test
    void conceptClassesAreTaggedWhereGroundingTakesThemAsSeen() throws Exception {
        // The kitten's ImageNet posterior, with the person detector set by hand on either side of the
        // default bundle's grounding threshold (0.7).
        float[] kitten = probabilities("kitten.jpg");
        int person = objects.words().size() + objects.conceptClasses().indexOf("person");
        kitten[person] = 0.82f;
        List<ObjectTag> tags = objects.tags(kitten, 5, 0.05);
        assertEquals("cat", tags.get(0).word(), tags.toString());
        assertEquals(new ObjectTag("person", 0.82f, ObjectClassifier.CONCEPT_LABEL), tags.get(1));
        kitten[person] = 0.66f;
        assertTrue(objects.tags(kitten, 5, 0.05).stream().noneMatch(t -> t.word().equals("person")),
                objects.tags(kitten, 5, 0.05).toString());
        assertEquals(0.7, objects.groundingDefaults().threshold(), 1e-9);
    }

    @Test
    void aBundleWhosePhotosAreNotGridsCannotUseDetectorsThatReadRegions() {
        // The default bundle's concept detectors score regions; a bundle that pools every photo has none.
        IOException e = assertThrows(IOException.class,
                () -> ObjectClassifier.open(ProjectFiles.defaultModel(), encoder.identity(), vocabulary, false));
        assertTrue(e.getMessage().contains("regions"), e.getMessage());
    }
}
