package org.captioner.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** CHAIR on hand-made cases; expected values worked out by hand. */
class ChairTest {

    private static final Chair CHAIR = Chair.standard();

    private static ChairScores one(List<String> refs, String candidate) {
        return CHAIR.score(Map.of("1", refs), Map.of("1", candidate));
    }

    @Test
    void theTableHasCocosEightyClasses() {
        List<String> coco = List.of("person", "bicycle", "car", "motorcycle", "airplane", "bus", "train", "truck",
                "boat", "traffic light", "fire hydrant", "stop sign", "parking meter", "bench", "bird", "cat", "dog",
                "horse", "sheep", "cow", "elephant", "bear", "zebra", "giraffe", "backpack", "umbrella", "handbag",
                "tie", "suitcase", "frisbee", "skis", "snowboard", "sports ball", "kite", "baseball bat",
                "baseball glove", "skateboard", "surfboard", "tennis racket", "bottle", "wine glass", "cup", "fork",
                "knife", "spoon", "bowl", "banana", "apple", "sandwich", "orange", "broccoli", "carrot", "hot dog",
                "pizza", "donut", "cake", "chair", "couch", "potted plant", "bed", "dining table", "toilet", "tv",
                "laptop", "mouse", "remote", "keyboard", "cell phone", "microwave", "oven", "toaster", "sink",
                "refrigerator", "book", "clock", "vase", "scissors", "teddy bear", "hair drier", "toothbrush");
        assertEquals(coco, CHAIR.classes());
    }

    @Test
    void aDogAgainstCatReferencesIsHallucinated() {
        ChairScores s = one(List.of("a cat sits on a mat", "a grey cat resting"), "a dog sits on a mat");
        assertEquals(1, s.hallucinated());
        assertEquals(1, s.mentioned());
        assertEquals(1.0, s.chairS(), 1e-12);
        assertEquals(1.0, s.chairI(), 1e-12);
        assertEquals(List.of("dog"), s.hallucinatedPerImage().get("1"));
        assertEquals(Map.of("dog", 1), s.hallucinationsByClass());
    }

    @Test
    void aHotDogIsNotADog() {
        assertEquals(Set.of("hot dog", "person"), CHAIR.classesIn("A man eats a hot dog."));
        assertEquals(Set.of("hot dog"), CHAIR.classesIn("two hotdogs on a plate"));
        ChairScores s = one(List.of("a man holding a hot dog"), "a man eats a hot dog");
        assertEquals(0, s.hallucinated());
        // ... and references with a hot dog do not license a dog.
        assertEquals(List.of("dog"), one(List.of("a hot dog with mustard"), "a dog with mustard")
                .hallucinatedPerImage().get("1"));
    }

    @Test
    void aTeddyBearIsNotABear() {
        assertEquals(Set.of("teddy bear"), CHAIR.classesIn("a teddy bear"));
        assertEquals(Set.of("teddy bear", "bed"), CHAIR.classesIn("A Teddy Bear lying on a bed"));
        assertEquals(Set.of("bear"), CHAIR.classesIn("a polar bear swims"));
        assertEquals(List.of("bear"), one(List.of("a teddy bear in a box"), "a bear in a box")
                .hallucinatedPerImage().get("1"));
    }

    @Test
    void longestMatchTraps() {
        assertEquals(Set.of("person", "motorcycle"), CHAIR.classesIn("a man rides a motor bike"));
        assertEquals(Set.of("motorcycle"), CHAIR.classesIn("a motorbike and a motorcycle"));
        assertEquals(Set.of("motorcycle"), CHAIR.classesIn("a dirt bike in the mud"));
        assertEquals(Set.of("bicycle"), CHAIR.classesIn("a bike and a bicycle"));
        assertEquals(Set.of("baseball bat"), CHAIR.classesIn("a baseball bat"));
        assertEquals(Set.of("toilet"), CHAIR.classesIn("a clean toilet bowl"));
        assertEquals(Set.of("dog"), CHAIR.classesIn("a pit bull runs"));
        assertEquals(Set.of("person", "cell phone"), CHAIR.classesIn("a woman talks on her cell phone"));
        assertEquals(Set.of("tie"), CHAIR.classesIn("a red tie"));
        assertEquals(Set.of("kite"), CHAIR.classesIn("kites in the sky"));
        assertEquals(Set.of("mouse", "keyboard"), CHAIR.classesIn("a computer mouse next to a keyboard"));
        assertEquals(Set.of("sports ball"), CHAIR.classesIn("a tennis ball"));
        // Phrases that contain an object word but claim no object.
        assertEquals(Set.of("person"), CHAIR.classesIn("a man walks along the train tracks to a bus stop"));
        assertEquals(Set.of("giraffe"), CHAIR.classesIn("a baby giraffe"));
        assertEquals(Set.of("person"), CHAIR.classesIn("a baby in a crib"));
        assertEquals(Set.of("airplane"), CHAIR.classesIn("passenger jets at the gate"));
        assertEquals(Set.of("laptop"), CHAIR.classesIn("an mp3 player next to a lap top"));
        assertEquals(Set.of(), CHAIR.classesIn("a telephone pole by a phone booth"));
        // The colour is not the fruit.
        assertEquals(Set.of("person"), CHAIR.classesIn("a man in an orange shirt"));
        assertEquals(Set.of("bowl", "orange"), CHAIR.classesIn("a bowl of oranges"));
    }

    @Test
    void mentionsGiveThePhraseAndItsToken() {
        assertEquals(List.of(new Chair.Mention("person", "man", 1), new Chair.Mention("hot dog", "hot dog", 4)),
                CHAIR.mentions("A man eats a hot dog."));
        assertEquals(List.of(), CHAIR.mentions(""));
    }

    @Test
    void pluralsMatchTheirClass() {
        ChairScores s = one(List.of("two dogs play with a ball"), "a dog plays with balls");
        assertEquals(0, s.hallucinated());
        assertEquals(2, s.mentioned());
        assertEquals(Set.of("dog", "person", "sheep"), CHAIR.classesIn("Puppies, children and sheep."));
        assertEquals(Set.of("knife", "bus"), CHAIR.classesIn("knives on buses"));
    }

    @Test
    void personSynonymsAreOneClass() {
        ChairScores s = one(List.of("a woman walks her dog", "a lady with a dog"), "a man walks a dog");
        assertEquals(0, s.hallucinated());
        assertEquals(0.0, s.chairS(), 1e-12);
        assertEquals(Set.of("person"), CHAIR.classesIn("a man, two ladies, a girl and their kids"));
        assertEquals(List.of("person"), one(List.of("a dog on the grass"), "a boy and his dog on the grass")
                .hallucinatedPerImage().get("1"));
    }

    @Test
    void sportsWordsImplyTheirEquipment() {
        assertEquals(List.of("person", "skateboard"), List.copyOf(CHAIR.classesIn("A skateboarder jumps")));
        assertEquals(Set.of("person", "skis"), CHAIR.classesIn("two people skiing"));
        assertEquals(0, one(List.of("a snowboarder glides through the air", "a snowboarder jumps"),
                "a man jumps on his snowboard").hallucinated());
        assertEquals(List.of("surfboard"), one(List.of("a man swims in the ocean"), "a surfer in the ocean")
                .hallucinatedPerImage().get("1"));
    }

    @Test
    void twoHallucinatedAndOneCorrectClassIsTwoThirds() {
        ChairScores s = one(List.of("a dog runs on the beach", "a brown dog running"),
                "a dog chases a cat and a frisbee, a dog barks");
        assertEquals(3, s.mentioned()); // the second "dog" counts once
        assertEquals(2, s.hallucinated());
        assertEquals(2.0 / 3, s.chairI(), 1e-12);
        assertEquals(1.0, s.chairS(), 1e-12);
        assertEquals(List.of("cat", "frisbee"), s.hallucinatedPerImage().get("1"));
    }

    @Test
    void chairSOverSeveralImagesWithObjectlessCaptions() {
        Map<String, List<String>> refs = new LinkedHashMap<>();
        refs.put("a", List.of("a dog on a couch", "a puppy sleeping on the sofa"));
        refs.put("b", List.of("a man on a bike", "a cyclist on a road"));
        refs.put("c", List.of("a green field", "grass and sky"));
        refs.put("d", List.of("a cat on a car", "a kitten sits on a parked car"));
        Map<String, String> cands = new LinkedHashMap<>();
        cands.put("a", "a dog sleeps on a couch");          // dog, couch: fine
        cands.put("b", "a woman rides a bicycle past a car"); // person, bicycle fine; car hallucinated
        cands.put("c", "a field under a blue sky");          // no object words
        cands.put("d", "a cat and a dog on a truck");        // cat fine; dog, truck hallucinated
        ChairScores s = CHAIR.score(refs, cands);
        assertEquals(4, s.captions());
        assertEquals(2, s.captionsWithHallucination());
        assertEquals(0.5, s.chairS(), 1e-12);                // the object-less caption is in the denominator
        assertEquals(8, s.mentioned());                      // 2 + 3 + 0 + 3: it adds nothing to CHAIRi
        assertEquals(3, s.hallucinated());
        assertEquals(3.0 / 8, s.chairI(), 1e-12);
        assertEquals(List.of(), s.hallucinatedPerImage().get("c"));
        assertEquals(List.of("dog", "truck"), s.hallucinatedPerImage().get("d"));
        assertEquals(List.of("a", "b", "c", "d"), List.copyOf(s.hallucinatedPerImage().keySet()));
        assertEquals(Map.of("CHAIRs", 0.5, "CHAIRi", 3.0 / 8), s.asMap());
    }

    @Test
    void mostHallucinatedComesFirst() {
        Map<String, List<String>> refs = new LinkedHashMap<>();
        Map<String, String> cands = new LinkedHashMap<>();
        String[] captions = {"a dog and a frisbee", "a dog", "a dog and a car", "a car", "a frisbee", "a bench"};
        for (int i = 0; i < captions.length; i++) {
            refs.put("" + i, List.of("an empty field"));
            cands.put("" + i, captions[i]);
        }
        ChairScores s = CHAIR.score(refs, cands);
        assertEquals(List.of("dog", "car", "frisbee", "bench"), List.copyOf(s.hallucinationsByClass().keySet()));
        assertEquals(List.of(3, 2, 2, 1), List.copyOf(s.hallucinationsByClass().values()));
        assertEquals(Map.of("dog", 3, "car", 2), s.mostHallucinated(2));
        assertEquals(List.of("dog", "car"), List.copyOf(s.mostHallucinated(2).keySet()));
        assertEquals(1.0, s.chairS(), 1e-12);
    }

    @Test
    void noObjectsAnywhereScoresZero() {
        ChairScores s = one(List.of("a green field"), "grass under a blue sky");
        assertEquals(0, s.mentioned());
        assertEquals(0.0, s.chairI(), 1e-12);
        assertEquals(0.0, s.chairS(), 1e-12);
    }

    @Test
    void badInputsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> CHAIR.score(Map.of("1", List.of("a dog")), Map.of()));
        assertThrows(IllegalArgumentException.class,
                () -> CHAIR.score(Map.of("1", List.of("a dog")), Map.of("2", "a dog")));
    }

    @Test
    void customTablesAreCheckedForDuplicatesAndFormat() throws Exception {
        Chair tiny = Chair.read(new StringReader("# comment\nanimal\tdog, dogs ,hot dog\n-\tdog show\n"), "tiny");
        assertEquals(List.of("animal"), tiny.classes());
        assertEquals(Set.of(), tiny.classesIn("a dog show"));
        assertEquals(Set.of("animal"), tiny.classesIn("Dogs!"));
        Chair shared = Chair.read(new StringReader("a\tdog\nb\tdog, cat\n"), "shared");
        assertEquals(List.of("a", "b"), List.copyOf(shared.classesIn("the dog")));
        assertThrows(IllegalArgumentException.class,
                () -> Chair.read(new StringReader("a\tdog, cat, dog\n"), "twice in one class"));
        assertThrows(IllegalArgumentException.class,
                () -> Chair.read(new StringReader("a\tdog\n-\tdog\n"), "object and no object"));
        assertThrows(IllegalArgumentException.class,
                () -> Chair.read(new StringReader("a dog dogs\n"), "no tab"));
        assertThrows(IllegalArgumentException.class,
                () -> Chair.read(new StringReader("a\tx\na\ty\n"), "class twice"));
    }
}
