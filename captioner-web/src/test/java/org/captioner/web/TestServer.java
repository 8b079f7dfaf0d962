package org.captioner.web;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.captioner.ProjectFiles;
import org.captioner.TrainedShapes;
import org.captioner.caption.Captioner;
import org.captioner.caption.EncoderResolver;
import org.captioner.image.PhotoReader;

/** A real server on a free loopback port over a small trained bundle, and a multipart client. */
final class TestServer implements AutoCloseable {

    private static Path bundle;
    private static Path attentionBundle;

    final Captioner captioner;
    final CaptionServer server;
    final ServerSettings settings;
    final HttpClient client = HttpClient.newHttpClient();

    static synchronized Path bundle() throws Exception {
        if (bundle == null) {
            Path tmp = Files.createTempDirectory("captioner-web-test");
            bundle = TrainedShapes.prepare(tmp.resolve("shapes")).trainBundle(tmp.resolve("bundle"));
            // The Show-and-Tell model's object classifier belongs to the same encoder, and its concept
            // detectors read pooled features, as this bundle's decoder does: give them to this bundle too.
            for (String f : List.of("objects.json", "imagenet_head.pt", "imagenet-words.tsv", "concepts.json")) {
                Files.copy(ProjectFiles.showAndTellModel().resolve(f), bundle.resolve(f));
            }
        }
        return bundle;
    }

    /** A small Show-Attend-and-Tell bundle on the same fixture. */
    static synchronized Path attentionBundle() throws Exception {
        if (attentionBundle == null) {
            Path tmp = Files.createTempDirectory("captioner-web-attention");
            attentionBundle = TrainedShapes.prepare(tmp.resolve("shapes")).trainAttentionBundle(tmp.resolve("bundle"), 12);
        }
        return attentionBundle;
    }

    TestServer(long maxFileBytes, int maxInFlight) throws Exception {
        this(bundle(), maxFileBytes, maxInFlight, ServerSettings.DEFAULT_BODY_IDLE_MILLIS,
                ServerSettings.DEFAULT_MIN_BODY_BYTES_PER_SECOND);
    }

    /** Serving {@code model}. */
    TestServer(Path model, long maxFileBytes, int maxInFlight) throws Exception {
        this(model, maxFileBytes, maxInFlight, ServerSettings.DEFAULT_BODY_IDLE_MILLIS,
                ServerSettings.DEFAULT_MIN_BODY_BYTES_PER_SECOND);
    }

    /** With the given body timing; at most 16 megapixels and 8 files per request. */
    TestServer(long maxFileBytes, int maxInFlight, long bodyIdleMillis, long minBodyBytesPerSecond) throws Exception {
        this(bundle(), maxFileBytes, maxInFlight, bodyIdleMillis, minBodyBytesPerSecond);
    }

    private TestServer(Path model, long maxFileBytes, int maxInFlight, long bodyIdleMillis, long minBodyBytesPerSecond)
            throws Exception {
        Path uploads = Files.createTempDirectory("captioner-uploads");
        settings = new ServerSettings("127.0.0.1", 0, maxFileBytes, maxFileBytes * 3, 4_000_000L, 16_000_000L, 8,
                maxInFlight, bodyIdleMillis, minBodyBytesPerSecond, maxFileBytes * 3 * 8, uploads);
        captioner = Captioner.open(model, new EncoderResolver(null, List.of(ProjectFiles.encoder().getParent())),
                new PhotoReader(settings.maxPixels(), settings.maxFileBytes()), 1);
        server = new CaptionServer(captioner, settings).start();
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** POSTs files as parts named "file". */
    HttpResponse<String> upload(String query, List<Path> files) throws Exception {
        List<byte[]> parts = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (Path f : files) {
            parts.add(Files.readAllBytes(f));
            names.add(f.getFileName().toString());
        }
        return uploadBytes(query, names, parts);
    }

    HttpResponse<String> uploadBytes(String query, List<String> names, List<byte[]> contents) throws Exception {
        String boundary = "----captioner" + UUID.randomUUID();
        var body = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < contents.size(); i++) {
            body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + names.get(i)
                    + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            body.write(contents.get(i));
            body.write("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        body.write(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(uri("/api/captions" + query))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() {
        server.close();
        captioner.close();
        WebMain.deleteFolder(settings.uploadDir());
    }
}
