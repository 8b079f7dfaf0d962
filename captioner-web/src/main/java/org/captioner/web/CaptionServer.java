package org.captioner.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.config.SizeUnit;
import io.javalin.http.Context;
import io.javalin.http.UploadedFile;
import io.javalin.http.staticfiles.Location;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.captioner.caption.CaptionOptions;
import org.captioner.caption.CaptionResult;
import org.captioner.caption.CaptionResultJson;
import org.captioner.caption.Captioner;
import org.captioner.caption.ImageInput;
import org.captioner.image.ImageReadException;

/**
 * The HTTP face of a {@link Captioner}: the upload page, {@code POST /api/captions} and
 * {@code GET /api/health}. Routes are listed in {@link #routes}; errors become JSON with a status
 * code in {@link #errors}. Uploads are read into memory (within the size limits) and any file the
 * servlet layer spilled to the upload folder is deleted when the request ends.
 */
public final class CaptionServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Captioner captioner;
    private final ServerSettings settings;
    private final AdmissionGate gate;
    private final Instant started = Instant.now();
    private final Javalin app;

    public CaptionServer(Captioner captioner, ServerSettings settings) throws IOException {
        this.captioner = captioner;
        this.settings = settings;
        this.gate = new AdmissionGate(settings.maxInFlight());
        Files.createDirectories(settings.uploadDir());
        this.app = Javalin.create(config -> {
            config.showJavalinBanner = false;
            config.staticFiles.add(files -> {
                files.hostedPath = "/";
                files.directory = "/public";
                files.location = Location.CLASSPATH;
            });
            config.http.maxRequestSize = settings.maxRequestBytes();
            config.jetty.multipartConfig.cacheDirectory(settings.uploadDir().toString());
            config.jetty.multipartConfig.maxFileSize(settings.maxFileBytes(), SizeUnit.BYTES);
            config.jetty.multipartConfig.maxTotalRequestSize(settings.maxRequestBytes(), SizeUnit.BYTES);
            config.jetty.multipartConfig.maxInMemoryFileSize(1, SizeUnit.MB);
            // Graceful shutdown: stop() waits up to 30 s for requests in flight.
            config.jetty.modifyServer(server -> server.setStopTimeout(30_000));
        });
        routes();
        errors();
    }

    private void routes() {
        app.get("/api/health", this::health);
        app.post("/api/captions", this::captions);
    }

    private void errors() {
        app.exception(ApiError.class, (e, ctx) -> ctx.status(e.status).json(Map.of("error", e.getMessage())));
        app.exception(IllegalStateException.class, (e, ctx) -> {
            // Jetty's multipart parser reports size limits as IllegalStateException.
            String m = String.valueOf(e.getMessage());
            if (m.contains("exceeds") || m.contains("too large") || m.contains("maxRequestSize")
                    || m.contains("maxFileSize")) {
                ctx.status(413).json(Map.of("error", "upload too large: files up to " + settings.maxFileBytes()
                        + " bytes, requests up to " + settings.maxRequestBytes() + " bytes"));
            } else {
                ctx.status(400).json(Map.of("error", "bad request: " + m));
            }
        });
        app.exception(Exception.class, (e, ctx) -> ctx.status(500).json(Map.of("error", "internal error: " + e)));
        app.error(404, ctx -> {
            if (ctx.path().startsWith("/api/")) {
                ctx.json(Map.of("error", "no such endpoint: " + ctx.method() + " " + ctx.path()));
            }
        });
    }

    public CaptionServer start() {
        app.start(settings.host(), settings.port());
        return this;
    }

    public int port() {
        return app.port();
    }

    private void health(Context ctx) {
        ObjectNode o = JSON.createObjectNode();
        o.put("status", "ok");
        var info = captioner.info();
        ObjectNode model = o.putObject("model");
        model.put("bundle", captioner.bundleDir().toString());
        model.put("dataset", info.provenance() == null ? null : info.provenance().dataset());
        model.put("vocabulary", info.decoder().vocabSize());
        model.put("code_version", info.provenance() == null ? null : info.provenance().codeVersion());
        ObjectNode search = model.putObject("search");
        search.put("beam", info.search().beam());
        search.put("length_penalty", info.search().lengthPenalty());
        search.put("grounding", captioner.grounding(captioner.defaultOptions()).describe());
        ObjectNode encoder = o.putObject("encoder");
        encoder.put("name", captioner.encoder().identity().name());
        encoder.put("sha256", captioner.encoder().identity().sha256());
        encoder.put("feature_size", captioner.encoder().identity().featureSize());
        encoder.put("preprocessing", captioner.encoder().identity().preprocessing().describe());
        o.put("uptime_seconds", Duration.between(started, Instant.now()).toSeconds());
        o.put("in_flight", gate.inFlight());
        o.put("max_in_flight", gate.capacity());
        ctx.json(o);
    }

    private void captions(Context ctx) throws IOException {
        String type = String.valueOf(ctx.contentType());
        if (!type.startsWith("multipart/form-data")) {
            throw new ApiError(415, "send multipart/form-data with one or more parts named 'file'");
        }
        CaptionOptions options = options(ctx);
        if (!gate.tryEnter()) {
            ctx.header("Retry-After", "2");
            throw new ApiError(503, "busy: " + gate.capacity() + " requests are already being captioned; retry shortly");
        }
        try {
            List<UploadedFile> files = ctx.uploadedFiles("file");
            if (files.isEmpty()) {
                throw new ApiError(400, "no parts named 'file' in the upload");
            }
            List<ImageInput> inputs = new ArrayList<>();
            for (UploadedFile f : files) {
                try (InputStream in = f.content()) {
                    inputs.add(ImageInput.of(f.filename() == null ? "upload" : f.filename(), in.readAllBytes()));
                }
            }
            long begin = System.nanoTime();
            List<CaptionResult> results = captioner.caption(inputs, options);
            double millis = (System.nanoTime() - begin) / 1e6;
            ArrayNode array = JSON.createArrayNode();
            for (CaptionResult r : results) {
                array.add(toJson(r));
            }
            ObjectNode body = JSON.createObjectNode();
            body.set("results", array);
            body.put("millis", Math.round(millis));
            int status = 200;
            if (results.stream().noneMatch(CaptionResult::succeeded)) {
                status = statusFor(results.get(0).errorKind());
                body.put("error", results.size() == 1 ? results.get(0).error() : "no file could be captioned");
            }
            ctx.status(status).json(body);
        } finally {
            gate.leave();
            cleanUploads(ctx);
        }
    }

    private CaptionOptions options(Context ctx) {
        CaptionOptions d = captioner.defaultOptions();
        int beam = intParam(ctx, "beam", d.beam(), 1, 10);
        int nBest = intParam(ctx, "n_best", Math.min(3, beam), 1, beam);
        return new CaptionOptions(beam, nBest, d.maxLength(), d.lengthPenalty(), 0, 0, 8);
    }

    private static int intParam(Context ctx, String name, int fallback, int min, int max) {
        String v = ctx.queryParam(name);
        if (v == null) {
            v = ctx.formParam(name);
        }
        if (v == null || v.isBlank()) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v.strip());
            if (n < min || n > max) {
                throw new ApiError(400, name + " must be between " + min + " and " + max + ", got " + v);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new ApiError(400, name + " must be a whole number, got '" + v + "'");
        }
    }

    static int statusFor(ImageReadException.Kind kind) {
        if (kind == null) {
            return 500;
        }
        return switch (kind) {
            case NOT_AN_IMAGE -> 415;
            case TOO_LARGE -> 413;
            case EMPTY -> 400;
            case CORRUPT, UNREADABLE -> 422;
        };
    }

    /** The CLI's jsonl fields, plus the HTTP status a failed file would have had on its own. */
    static ObjectNode toJson(CaptionResult r) {
        ObjectNode o = CaptionResultJson.of(r);
        if (!r.succeeded()) {
            o.put("status", statusFor(r.errorKind()));
        }
        return o;
    }

    /** Deletes anything the multipart layer wrote for this request. */
    private void cleanUploads(Context ctx) {
        try {
            for (var part : ctx.req().getParts()) {
                part.delete();
            }
        } catch (Exception e) {
            // Parts were never parsed (e.g. the request was refused before reading them).
        }
    }

    /** Stops accepting requests, lets those in flight finish, then frees the model. */
    @Override
    public void close() {
        app.stop();
    }
}
