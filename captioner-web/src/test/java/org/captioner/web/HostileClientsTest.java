package org.captioner.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import javax.imageio.ImageIO;
import org.captioner.ProjectFiles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Clients that stall, trickle, lie or overreach: the server answers them in JSON and keeps serving others. */
class HostileClientsTest {

    static TestServer server;
    static final ObjectMapper JSON = new ObjectMapper();
    static final Path PHOTO = ProjectFiles.sample("kitten.jpg");

    @BeforeAll
    static void start() throws Exception {
        // Two admission slots; a body may pause 3 s at most and must average 1 KB/s.
        server = new TestServer(4L << 20, 2, 3000, 1024);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** Sends the headers of a multipart upload and the start of its body, then nothing more. */
    private Socket stalledUpload() throws Exception {
        return stalledUpload(200_000);
    }

    private Socket stalledUpload(long declaredBytes) throws Exception {
        Socket socket = new Socket("127.0.0.1", server.server.port());
        socket.setSoTimeout(20_000);
        OutputStream out = socket.getOutputStream();
        out.write(("POST /api/captions?beam=3 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Content-Type: multipart/form-data; boundary=XYZ\r\nContent-Length: " + declaredBytes + "\r\n\r\n"
                + "--XYZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.jpg\"\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.write(new byte[100]);
        out.flush();
        return socket;
    }

    private static String response(Socket socket) throws Exception {
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        int n;
        try {
            while ((n = in.read(buf)) > 0) {
                got.write(buf, 0, n);
                if (got.toString(StandardCharsets.UTF_8).contains("}")) {
                    break;
                }
            }
        } catch (java.net.SocketException e) {
            // The server may close right after answering.
        }
        return got.toString(StandardCharsets.UTF_8);
    }

    @Test
    void stalledUploadsTakeNoAdmissionSlotAndAreAnswered408() throws Exception {
        List<Socket> stalled = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            stalled.add(stalledUpload());
        }
        Thread.sleep(300);
        // Six stalled bodies against two slots: a normal upload is still admitted at once.
        HttpResponse<String> normal = server.upload("?beam=3", List.of(PHOTO));
        assertEquals(200, normal.statusCode(), normal.body());
        for (Socket s : stalled) {
            String answer = response(s);
            assertTrue(answer.startsWith("HTTP/1.1 408"), answer);
            assertTrue(answer.contains("\"error\"") && answer.contains("stalled"), answer);
            s.close();
        }
        assertEquals(200, server.upload("", List.of(PHOTO)).statusCode());
    }

    @Test
    void aTrickleBelowTheMinimumRateIsCutOff() throws Exception {
        try (Socket socket = stalledUpload()) {
            long begin = System.nanoTime();
            OutputStream out = socket.getOutputStream();
            String answer = "";
            // One byte every 0.5 s never pauses 3 s, but averages 2 bytes/s.
            for (int i = 0; i < 30 && answer.isEmpty(); i++) {
                Thread.sleep(500);
                try {
                    out.write('x');
                    out.flush();
                } catch (java.io.IOException e) {
                    break;
                }
                if (socket.getInputStream().available() > 0) {
                    answer = response(socket);
                }
            }
            if (answer.isEmpty()) {
                answer = response(socket);
            }
            assertTrue(answer.startsWith("HTTP/1.1 408"), answer);
            assertTrue((System.nanoTime() - begin) / 1e9 < 14, "cut off in time");
        }
    }

    @Test
    void aMalformedMultipartBodyIs400InJson() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(server.uri("/api/captions"))
                .header("Content-Type", "multipart/form-data; boundary=XYZ")
                .POST(HttpRequest.BodyPublishers.ofString("this is not multipart at all")).build();
        HttpResponse<String> r = server.client.send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(400, r.statusCode(), r.body());
        JsonNode body = JSON.readTree(r.body());
        assertTrue(body.get("error").asText().contains("multipart"), r.body());
        assertFalse(r.body().contains("Exception"), r.body());
    }

    @Test
    void tooLongUrisAndHeadersAreAnsweredInJson() throws Exception {
        HttpResponse<String> uri = server.get("/api/health?x=" + "a".repeat(20_000));
        assertEquals(414, uri.statusCode());
        assertTrue(JSON.readTree(uri.body()).has("error"), uri.body());
        HttpRequest big = HttpRequest.newBuilder(server.uri("/api/health")).header("X-Big", "b".repeat(20_000)).GET()
                .build();
        HttpResponse<String> headers = server.client.send(big, HttpResponse.BodyHandlers.ofString());
        assertEquals(431, headers.statusCode());
        assertTrue(JSON.readTree(headers.body()).has("error"), headers.body());
        assertEquals("application/json", headers.headers().firstValue("Content-Type").orElse("").split(";")[0]);
    }

    @Test
    void healthNamesTheModelWithoutItsPathOnDisk() throws Exception {
        HttpResponse<String> r = server.get("/api/health");
        JsonNode model = JSON.readTree(r.body()).get("model");
        assertEquals(TestServer.bundle().getFileName().toString(), model.get("name").asText());
        assertTrue(model.get("id").asText().matches("[0-9a-f]{16}"), r.body());
        assertFalse(r.body().contains(TestServer.bundle().getParent().toString()), r.body());
    }

    @Test
    void aRequestOfManySmallFilesWithHugeImagesIsRefusedBeforeDecoding() throws Exception {
        // 2000x2000 black PNGs: 8 KB each on the wire, 4 megapixels each once decoded.
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(2000, 2000, BufferedImage.TYPE_BYTE_GRAY), "png", png);
        List<byte[]> parts = Collections.nCopies(6, png.toByteArray());
        List<String> names = Collections.nCopies(6, "black.png");
        long begin = System.nanoTime();
        HttpResponse<String> r = server.uploadBytes("", names, parts);
        assertEquals(413, r.statusCode(), r.body());
        assertTrue(r.body().contains("pixels"), r.body());
        assertTrue((System.nanoTime() - begin) / 1e9 < 5);
        HttpResponse<String> many = server.uploadBytes("", Collections.nCopies(9, "k.jpg"),
                Collections.nCopies(9, java.nio.file.Files.readAllBytes(PHOTO)));
        assertEquals(413, many.statusCode(), many.body());
        assertTrue(many.body().contains("too many files"), many.body());
    }

    @Test
    void aBodyDeclaredLargerThanTheLimitIsRefusedAtOnce() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", server.server.port())) {
            socket.setSoTimeout(5000);
            socket.getOutputStream().write(("POST /api/captions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Type: multipart/form-data; boundary=XYZ\r\nContent-Length: 99999999999999\r\n\r\n--XYZ\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String answer = response(socket);
            assertTrue(answer.startsWith("HTTP/1.1 413"), answer);
        }
    }

    @Test
    void bodiesArrivingAtOnceShareAByteBudget() throws Exception {
        // The test server's budget is eight of its largest requests (12 MB each).
        long largest = server.settings.maxRequestBytes();
        List<Socket> big = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            big.add(stalledUpload(largest));
        }
        Thread.sleep(300);
        HttpResponse<String> refused = server.upload("", List.of(PHOTO));
        assertEquals(503, refused.statusCode(), refused.body());
        assertTrue(refused.body().contains("too many uploads"), refused.body());
        for (Socket s : big) {
            assertTrue(response(s).startsWith("HTTP/1.1 408"));
            s.close();
        }
        assertEquals(200, server.upload("", List.of(PHOTO)).statusCode(), "the budget is given back");
    }
}
