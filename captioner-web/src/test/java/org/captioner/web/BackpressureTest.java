package org.captioner.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.captioner.ProjectFiles;
import org.junit.jupiter.api.Test;

class BackpressureTest {

    @Test
    void overloadGets503WithRetryAfterAndTheRestSucceed() throws Exception {
        Path photo = ProjectFiles.sample("dog_bike_car.jpg");
        try (TestServer server = new TestServer(4L << 20, 1)) {
            ExecutorService pool = Executors.newFixedThreadPool(12);
            List<Future<HttpResponse<String>>> futures = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                futures.add(pool.submit(() -> server.upload("?beam=5", List.of(photo, photo, photo))));
            }
            int ok = 0;
            int busy = 0;
            for (Future<HttpResponse<String>> f : futures) {
                HttpResponse<String> r = f.get();
                if (r.statusCode() == 503) {
                    busy++;
                    assertTrue(r.headers().firstValue("Retry-After").isPresent());
                    assertTrue(r.body().contains("busy"));
                } else {
                    assertEquals(200, r.statusCode(), r.body());
                    ok++;
                }
            }
            pool.shutdown();
            assertTrue(ok >= 1 && busy >= 1, ok + " ok, " + busy + " busy");
            assertEquals(200, server.upload("", List.of(photo)).statusCode(), "serves again once the queue drains");
        }
    }

    @Test
    void shutdownFinishesRequestsInFlight() throws Exception {
        Path photo = ProjectFiles.sample("dog-cat.jpg");
        TestServer server = new TestServer(4L << 20, 4);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        Future<HttpResponse<String>> inFlight = pool.submit(() -> server.upload("?beam=5",
                List.of(photo, photo, photo, photo, photo, photo)));
        Thread.sleep(300);
        server.server.close();
        assertEquals(200, inFlight.get().statusCode());
        pool.shutdown();
        server.captioner.close();
    }
}
