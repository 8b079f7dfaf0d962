package org.captioner.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.captioner.ProjectFiles;
import org.captioner.image.BadImages;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JSON API over a real HTTP connection: good images, every bad upload, limits, concurrency. */
class CaptionApiTest {

    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path dir;
    static TestServer server;
    static Map<String, Path> broken;
    static Path kitten;
    static Path dogs;

    @BeforeAll
    static void start() throws Exception {
        server = new TestServer(2L << 20, 8);
        broken = BadImages.writeBroken(dir.resolve("bad"));
        kitten = ProjectFiles.sample("kitten.jpg");
        dogs = ProjectFiles.sample("dog-cat.jpg");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static JsonNode json(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body());
    }

    @Test
    void healthNamesModelEncoderAndUptime() throws Exception {
        HttpResponse<String> r = server.get("/api/health");
        assertEquals(200, r.statusCode());
        JsonNode h = json(r);
        assertEquals("ok", h.get("status").asText());
        assertEquals("shapes", h.get("model").get("dataset").asText());
        assertEquals("b2a3a2cc7594ee9c559bd923a60dab90787f4256f572f07c9854f231b16f21bd", h.get("encoder").get("sha256").asText());
        assertTrue(h.get("uptime_seconds").asLong() >= 0);
    }

    @Test
    void attentionMapsComeFromAnAttentionModelAndAreRefusedByOthers() throws Exception {
        HttpResponse<String> refused = server.upload("?attention=1", List.of(kitten));
        assertEquals(400, refused.statusCode(), refused.body());
        assertTrue(json(refused).get("error").asText().contains("attends"), refused.body());
        assertFalse(json(server.get("/api/health")).get("model").get("attends").asBoolean());
        try (TestServer attending = new TestServer(TestServer.attentionBundle(), 8L << 20, 2)) {
            JsonNode health = json(attending.get("/api/health"));
            assertTrue(health.get("model").get("attends").asBoolean());
            assertEquals("squash", health.get("encoder").get("view").get("mode").asText());
            HttpResponse<String> r = attending.upload("?attention=1&n_best=1", List.of(kitten));
            assertEquals(200, r.statusCode(), r.body());
            JsonNode o = json(r).get("results").get(0);
            JsonNode words = o.get("attention").get("words");
            assertEquals(o.get("caption").asText().split(" ").length, words.size());
            assertEquals(49, words.get(0).get("alpha").size());
            // Without asking, no maps: they are a few KB per caption.
            JsonNode plain = json(attending.upload("", List.of(kitten))).get("results").get(0);
            assertTrue(plain.get("attention") == null, plain.toString());
            HttpResponse<String> script = attending.get("/attention.js");
            assertEquals(200, script.statusCode());
            assertTrue(script.body().contains("function showAttention"));
        }
    }

    @Test
    void captionsOneOrMoreImagesWithAlternatives() throws Exception {
        HttpResponse<String> r = server.upload("?beam=3&n_best=2", List.of(kitten, dogs));
        assertEquals(200, r.statusCode(), r.body());
        JsonNode results = json(r).get("results");
        assertEquals(2, results.size());
        for (JsonNode o : results) {
            assertFalse(o.get("caption").asText().isBlank());
            assertTrue(o.get("score").isNumber());
            assertEquals(2, o.get("alternatives").size());
        }
        assertEquals("kitten.jpg", results.get(0).get("file").asText());
        // What the encoder's classifier sees. Tags are named with the bundle's caption words; this
        // test bundle's vocabulary (shapes) has no "cat", so they keep their ImageNet labels.
        JsonNode imagenet = null;
        for (JsonNode t : results.get(0).get("tags")) {
            if (imagenet == null && !t.get("label").asText().equals("learnt from captions")) {
                imagenet = t;
            }
        }
        assertEquals("tabby", imagenet.get("word").asText(), results.get(0).toString());
        assertTrue(imagenet.get("probability").asDouble() > 0.4, imagenet.toString());
        // The concept detectors' classes come with their own label, where this bundle's grounding
        // (threshold 0.4, the Show-and-Tell model's) takes them as seen: the pooled person detector
        // says 0.67 for the close-up kitten, Flickr8k's close-ups being of children.
        for (JsonNode t : results.get(0).get("tags")) {
            if (t.get("label").asText().equals("learnt from captions")) {
                assertTrue(t.get("probability").asDouble() >= 0.4, t.toString());
            }
        }
    }

    @Test
    void badUploadsGetTheirOwnStatusAndAClearError() throws Exception {
        Map<String, Integer> expected = Map.of("not-an-image", 415, "bomb", 413, "truncated", 422, "corrupt", 422,
                "empty", 400);
        for (Map.Entry<String, Integer> e : expected.entrySet()) {
            HttpResponse<String> r = server.upload("", List.of(broken.get(e.getKey())));
            assertEquals(e.getValue(), r.statusCode(), e.getKey() + ": " + r.body());
            JsonNode body = json(r);
            assertFalse(body.get("error").asText().isBlank(), e.getKey());
            assertFalse(body.get("results").get(0).get("error").asText().isBlank());
        }
    }

    @Test
    void oneBadFileAmongGoodOnesIsReportedBesideIt() throws Exception {
        HttpResponse<String> r = server.upload("", List.of(kitten, broken.get("not-an-image")));
        assertEquals(200, r.statusCode());
        JsonNode results = json(r).get("results");
        assertTrue(results.get(0).get("error") == null);
        assertTrue(results.get(1).get("error").asText().contains("not an image"));
        assertEquals(415, results.get(1).get("status").asInt());
    }

    @Test
    void oversizedFilesAndBodiesGet413AndTheServerKeepsServing() throws Exception {
        byte[] big = new byte[3 << 20];
        System.arraycopy(Files.readAllBytes(kitten), 0, big, 0, 100);
        HttpResponse<String> file = server.uploadBytes("", List.of("big.jpg"), List.of(big));
        assertEquals(413, file.statusCode(), file.body());
        assertTrue(json(file).get("error").asText().contains("too large"));
        byte[] part = new byte[(int) (1.5 * (1 << 20))];
        HttpResponse<String> body = server.uploadBytes("", List.of("a", "b", "c", "d", "e"),
                List.of(part, part, part, part, part));
        assertEquals(413, body.statusCode(), body.body());
        assertEquals(200, server.upload("", List.of(kitten)).statusCode());
    }

    @Test
    void malformedRequestsAre4xx() throws Exception {
        var notMultipart = server.client.send(java.net.http.HttpRequest.newBuilder(server.uri("/api/captions"))
                .header("Content-Type", "application/json").POST(java.net.http.HttpRequest.BodyPublishers.ofString("{}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(415, notMultipart.statusCode());
        assertEquals(400, server.upload("?beam=0", List.of(kitten)).statusCode());
        assertEquals(400, server.upload("?beam=abc", List.of(kitten)).statusCode());
        assertEquals(404, server.get("/api/nothing").statusCode());
    }

    @Test
    void concurrentRequestsAllSucceed() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<HttpResponse<String>>> futures = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                futures.add(pool.submit(() -> server.upload("?beam=2", List.of(i0(kitten)))));
            }
            for (Future<HttpResponse<String>> f : futures) {
                HttpResponse<String> r = f.get();
                assertEquals(200, r.statusCode(), r.body());
            }
        } finally {
            pool.shutdown();
        }
    }

    private static Path i0(Path p) {
        return p;
    }

    @Test
    void uploadsLeaveNothingBehind() throws Exception {
        server.upload("", List.of(kitten, dogs));
        server.upload("", List.of(broken.get("corrupt")));
        try (Stream<Path> left = Files.list(server.settings.uploadDir())) {
            assertEquals(0, left.count());
        }
    }

    @Test
    void pageAndAssetsAreServedLocally() throws Exception {
        HttpResponse<String> page = server.get("/");
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("<input id=\"files\" type=\"file\""));
        assertFalse(page.body().contains("http://") || page.body().contains("https://"), "no CDN");
        assertEquals(200, server.get("/app.js").statusCode());
        assertEquals(200, server.get("/style.css").statusCode());
    }
}
