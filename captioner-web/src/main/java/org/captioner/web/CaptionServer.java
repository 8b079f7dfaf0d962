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
import org.captioner.encoder.Preprocessing;
import org.captioner.report.HtmlReport;
import org.captioner.caption.CaptionResult;
import org.captioner.caption.CaptionResultJson;
import org.captioner.caption.Captioner;
import org.captioner.caption.ImageInput;
import org.captioner.bundle.ModelBundle;
import org.captioner.image.ImageReadException;
import org.captioner.image.PhotoReader;
import org.eclipse.jetty.http.BadMessageException;

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
    private final String modelId;
    /** Declared bytes of the request bodies being received or held now (see {@link #captions}). */
    private long bodyBytes;

    public CaptionServer(Captioner captioner, ServerSettings settings) throws IOException {
        this.captioner = captioner;
        this.modelId = ModelBundle.id(captioner.bundleDir());
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
            // A body must keep arriving: a client that stalls (or trickles) is cut off with 408 instead
            // of holding a thread, and it never holds an admission slot (see captions()).
            config.jetty.modifyHttpConfiguration(http -> {
                http.setIdleTimeout(settings.bodyIdleMillis());
                http.setMinRequestDataRate(settings.minBodyBytesPerSecond());
            });
            // Graceful shutdown: stop() waits up to 30 s for requests in flight. Errors Jetty answers
            // itself, before any handler (414, 431, 400 on a bad request line), are JSON too.
            config.jetty.modifyServer(server -> {
                server.setStopTimeout(30_000);
                server.setErrorHandler(new JsonErrors());
            });
        });
        routes();
        errors();
    }

    private static final String ATTENTION_SCRIPT = HtmlReport.attentionScript();

    private void routes() {
        app.get("/api/health", this::health);
        app.post("/api/captions", this::captions);
        // The report's map drawing, so the page and the report show attention the same way.
        app.get("/attention.js", ctx -> ctx.contentType("text/javascript; charset=utf-8")
                .result(ATTENTION_SCRIPT));
    }

    private void errors() {
        app.exception(ApiError.class, (e, ctx) -> ctx.status(e.status).json(Map.of("error", e.getMessage())));
        app.exception(Exception.class, (e, ctx) -> {
            // The details are for the operator's log, not for whoever sent the request.
            System.err.println("captioner serve: " + ctx.method() + " " + ctx.path() + ": " + e);
            ctx.status(500).json(Map.of("error", "internal error"));
        });
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
        model.put("name", captioner.bundleDir().getFileName().toString());
        model.put("id", modelId);
        model.put("dataset", info.provenance() == null ? null : info.provenance().dataset());
        model.put("vocabulary", info.decoder().vocabSize());
        model.put("code_version", info.provenance() == null ? null : info.provenance().codeVersion());
        ObjectNode search = model.putObject("search");
        search.put("beam", info.search().beam());
        search.put("length_penalty", info.search().lengthPenalty());
        search.put("grounding", captioner.grounding(captioner.defaultOptions()).describe());
        // The caption matcher's weight in reranking the beam's captions (0: not reranked).
        search.put("rerank", captioner.rerankWeight(captioner.defaultOptions()));
        // Whether captions can carry where the decoder looked (attention=1 on /api/captions).
        model.put("attends", captioner.takesGrids());
        ObjectNode encoder = o.putObject("encoder");
        encoder.put("name", captioner.encoder().identity().name());
        encoder.put("engine", captioner.encoder().engine());
        encoder.put("sha256", captioner.encoder().identity().sha256());
        encoder.put("feature_size", captioner.encoder().identity().featureSize());
        Preprocessing view = captioner.encoder().identity().preprocessing();
        encoder.put("preprocessing", view.describe());
        // What part of a photo the encoder sees, so a page can lay an attention grid over it.
        ObjectNode seen = encoder.putObject("view");
        seen.put("mode", view.mode() == Preprocessing.Mode.SQUASH ? "squash" : "crop");
        seen.put("resize", view.resize());
        seen.put("crop", view.crop());
        o.put("uptime_seconds", Duration.between(started, Instant.now()).toSeconds());
        o.put("in_flight", gate.inFlight());
        o.put("max_in_flight", gate.capacity());
        ctx.json(o);
    }

    private void captions(Context ctx) throws IOException {
        try {
            String type = String.valueOf(ctx.contentType());
            if (!type.startsWith("multipart/form-data")) {
                throw new ApiError(415, "send multipart/form-data with one or more parts named 'file'");
            }
            long declared = ctx.req().getContentLengthLong();
            if (declared > settings.maxRequestBytes()) {
                // Said up front: refuse at once rather than read (or wait for) what would be refused anyway.
                throw new ApiError(413, "upload too large: the request declares " + declared + " bytes; requests up to "
                        + settings.maxRequestBytes() + " bytes");
            }
            // Bodies are held in memory while they arrive, before admission: their declared sizes (the
            // request limit when undeclared) share one budget, so many concurrent uploads cannot
            // exhaust the heap; past it they are told to come back, like a full queue.
            long reserved = declared >= 0 ? declared : settings.maxRequestBytes();
            if (!reserveBodyBytes(reserved)) {
                ctx.header("Retry-After", "2");
                throw new ApiError(503, "busy: too many uploads arriving at once; retry shortly");
            }
            try {
                admitAndCaption(ctx);
            } finally {
                releaseBodyBytes(reserved);
            }
        } finally {
            cleanUploads(ctx);
        }
    }

    private synchronized boolean reserveBodyBytes(long bytes) {
        if (bodyBytes + bytes > settings.maxBodyBytesInFlight()) {
            return false;
        }
        bodyBytes += bytes;
        return true;
    }

    private synchronized void releaseBodyBytes(long bytes) {
        bodyBytes -= bytes;
    }

    private void admitAndCaption(Context ctx) {
        // The whole body is read and checked before a slot is taken: admission counts only
        // requests that are ready to caption, so slow or stalled uploads cannot crowd others out.
        List<ImageInput> inputs = readUploads(ctx);
        CaptionOptions options = options(ctx);
        if (!gate.tryEnter()) {
            ctx.header("Retry-After", "2");
            throw new ApiError(503, "busy: " + gate.capacity() + " requests are already being captioned; retry shortly");
        }
        try {
            caption(ctx, inputs, options);
        } finally {
            gate.leave();
        }
    }

    /**
     * Every part named {@code file}, in memory. Bodies that stall answer 408, malformed ones 400, and
     * a request whose images declare more pixels in all than {@link ServerSettings#maxRequestPixels}
     * 413 (each image is decoded subsampled, but decoding still visits every pixel).
     */
    private List<ImageInput> readUploads(Context ctx) {
        List<UploadedFile> files;
        List<ImageInput> inputs = new ArrayList<>();
        try {
            files = ctx.uploadedFiles("file");
            if (files.size() > settings.maxParts()) {
                throw new ApiError(413, "too many files: at most " + settings.maxParts() + " per request, got "
                        + files.size());
            }
            for (UploadedFile f : files) {
                try (InputStream in = f.content()) {
                    inputs.add(ImageInput.of(f.filename() == null ? "upload" : f.filename(), in.readAllBytes()));
                }
            }
        } catch (ApiError e) {
            throw e;
        } catch (Exception e) {
            throw bodyError(e);
        }
        if (inputs.isEmpty()) {
            throw new ApiError(400, "no parts named 'file' in the upload");
        }
        long pixels = 0;
        for (ImageInput i : inputs) {
            long declared = PhotoReader.declaredPixels(i.bytes());
            // An image over the per-image limit is refused on its own without being decoded: it costs nothing.
            pixels += declared <= settings.maxPixels() ? Math.max(0, declared) : 0;
        }
        if (pixels > settings.maxRequestPixels()) {
            throw new ApiError(413, "the images in this request have " + pixels + " pixels in all, over the limit of "
                    + settings.maxRequestPixels() + " per request; send fewer or smaller images");
        }
        return inputs;
    }

    /** What went wrong while reading a request body, as the status a client can act on. */
    private ApiError bodyError(Exception e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = String.valueOf(t.getMessage());
            if (t instanceof java.util.concurrent.TimeoutException || m.contains("Idle timeout") || m.contains("data rate")
                    || (t instanceof BadMessageException b && b.getCode() == 408)) {
                return new ApiError(408, "the upload stalled: the body must arrive at " + settings.minBodyBytesPerSecond()
                        + " bytes/s or more, with no pause over " + settings.bodyIdleMillis() / 1000 + " s");
            }
            if (m.contains("exceeds") || m.contains("too large") || m.contains("maxRequestSize")
                    || m.contains("maxFileSize")) {
                return new ApiError(413, "upload too large: files up to " + settings.maxFileBytes()
                        + " bytes, requests up to " + settings.maxRequestBytes() + " bytes");
            }
        }
        String why = e.getMessage() == null ? "unreadable" : e.getMessage().replaceFirst("^[a-z.]+Exception: ", "");
        return new ApiError(400, "malformed multipart body: " + why);
    }

    private void caption(Context ctx, List<ImageInput> inputs, CaptionOptions options) {
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
    }

    private CaptionOptions options(Context ctx) {
        CaptionOptions d = captioner.defaultOptions();
        int beam = intParam(ctx, "beam", d.beam(), 1, 10);
        int nBest = intParam(ctx, "n_best", Math.min(3, beam), 1, beam);
        boolean attention = intParam(ctx, "attention", 0, 0, 1) == 1;
        if (attention && !captioner.takesGrids()) {
            throw new ApiError(400, "attention=1 needs a model whose decoder attends to image regions;"
                    + " this one sees one pooled vector per photo");
        }
        return new CaptionOptions(beam, nBest, d.maxLength(), d.lengthPenalty(), 0, 0, 8).withAttention(attention);
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
