package org.captioner.web;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A bounded load generator for the caption API (loopback only): {@code clients} concurrent
 * clients send {@code requests} uploads in all, or stop at {@code seconds}, and it prints
 * throughput, p50/p95 latency and the count of each status.
 *
 * <p>{@code java -cp captioner-web.jar org.captioner.web.UploadLoad URL IMAGE CLIENTS REQUESTS SECONDS}
 */
public final class UploadLoad {

    private UploadLoad() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 5) {
            System.err.println("usage: UploadLoad URL IMAGE CLIENTS REQUESTS SECONDS");
            System.exit(2);
        }
        URI uri = URI.create(args[0]);
        String host = uri.getHost();
        if (!host.equals("127.0.0.1") && !host.equals("localhost") && !host.equals("::1")) {
            System.err.println("UploadLoad only targets loopback addresses, not " + host);
            System.exit(2);
        }
        byte[] image = Files.readAllBytes(Path.of(args[1]));
        int clients = Integer.parseInt(args[2]);
        int requests = Integer.parseInt(args[3]);
        long deadline = System.nanoTime() + Duration.ofSeconds(Long.parseLong(args[4])).toNanos();
        String boundary = "----captionerload";
        byte[] body = multipart(boundary, Path.of(args[1]).getFileName().toString(), image);
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        AtomicInteger issued = new AtomicInteger();
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        Map<Integer, Integer> statuses = Collections.synchronizedMap(new TreeMap<>());
        AtomicInteger failures = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        long begin = System.nanoTime();
        List<Future<?>> workers = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            workers.add(pool.submit(() -> {
                while (issued.getAndIncrement() < requests && System.nanoTime() < deadline) {
                    long t0 = System.nanoTime();
                    try {
                        HttpResponse<Void> r = client.send(HttpRequest.newBuilder(uri)
                                .timeout(Duration.ofSeconds(60))
                                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                                HttpResponse.BodyHandlers.discarding());
                        statuses.merge(r.statusCode(), 1, Integer::sum);
                        if (r.statusCode() == 200) {
                            latencies.add(System.nanoTime() - t0);
                        }
                    } catch (Exception e) {
                        failures.incrementAndGet();
                    }
                }
                return null;
            }));
        }
        for (Future<?> w : workers) {
            w.get();
        }
        pool.shutdown();
        double seconds = (System.nanoTime() - begin) / 1e9;
        List<Long> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        int total = statuses.values().stream().mapToInt(Integer::intValue).sum() + failures.get();
        int ok = statuses.getOrDefault(200, 0);
        System.out.printf(Locale.ROOT, "requests %d in %.1f s with %d clients: %.2f ok/s%n", total, seconds, clients,
                ok / seconds);
        System.out.printf(Locale.ROOT, "latency of 200s: p50 %.0f ms, p95 %.0f ms, max %.0f ms%n",
                percentile(sorted, 0.50), percentile(sorted, 0.95), percentile(sorted, 1.0));
        System.out.println("statuses " + statuses + ", connection errors " + failures.get()
                + ", errors (non-200) " + (total - ok));
    }

    static double percentile(List<Long> sorted, double p) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(p * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i))) / 1e6;
    }

    static byte[] multipart(String boundary, String name, byte[] content) {
        byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + name
                + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[head.length + content.length + tail.length];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(content, 0, out, head.length, content.length);
        System.arraycopy(tail, 0, out, head.length + content.length, tail.length);
        return out;
    }
}
