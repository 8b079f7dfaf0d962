package org.captioner.web;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.HelpFormatter;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;
import org.captioner.caption.Captioner;
import org.captioner.caption.EncoderResolver;
import org.captioner.image.PhotoReader;

/** {@code ./captioner serve}: starts the web page and JSON API. */
public final class WebMain {

    private WebMain() {}

    static Options options() {
        Options o = new Options();
        o.addOption(Option.builder().longOpt("port").hasArg().argName("N").desc("port to listen on (default 8080)").build());
        o.addOption(Option.builder().longOpt("host").hasArg().argName("ADDR")
                .desc("address to bind (default 127.0.0.1; 0.0.0.0 to serve other machines)").build());
        o.addOption(Option.builder().longOpt("model").hasArg().argName("BUNDLE").desc("model bundle (default models/default)").build());
        o.addOption(Option.builder().longOpt("encoder").hasArg().argName("PATH|URL|ZOO-ID|NAME")
                .desc("use this encoder instead of the bundle's own: a location, or the name of one of the bundle's"
                        + " encoder variants (int8 or onnx for models/default)").build());
        o.addOption(Option.builder().longOpt("max-in-flight").hasArg().argName("N")
                .desc("caption requests admitted at once; more get 503 + Retry-After (default 8)").build());
        o.addOption(Option.builder().longOpt("max-file-mb").hasArg().argName("MB").desc("largest upload (default 20)").build());
        o.addOption(Option.builder("h").longOpt("help").desc("show this help").build());
        return o;
    }

    public static void main(String[] args) {
        int status = run(args);
        if (status != 0) {
            System.exit(status);
        }
    }

    /**
     * Starts the server and returns 0 (it keeps serving on its own threads), or returns 2 for bad
     * options or values and 1 when a valid request could not be served (e.g. the port is taken).
     */
    static int run(String[] args) {
        Options options = options();
        CommandLine line;
        try {
            line = new DefaultParser().parse(options, args);
        } catch (ParseException e) {
            return usage(e.getMessage());
        }
        if (line.hasOption("help")) {
            new HelpFormatter().printHelp("./captioner serve [options]",
                    "Serve the upload page (GET /) and the JSON API (POST /api/captions, GET /api/health).", options, "");
            return 0;
        }
        Path home = Path.of(System.getProperty("captioner.home", ".")).toAbsolutePath().normalize();
        Path model = Path.of(line.getOptionValue("model", home.resolve("models/default").toString()));
        ServerSettings settings;
        try {
            // Values first, then the model folder, and only then the upload folder on disk.
            settings(line, Path.of("unused"));
            if (!Files.isDirectory(model)) {
                return usage("--model " + model + ": not a model bundle folder");
            }
            settings = settings(line, Files.createTempDirectory("captioner-uploads"));
        } catch (IllegalArgumentException e) {
            return usage(e.getMessage());
        } catch (java.io.IOException e) {
            System.err.println("captioner serve: cannot create an upload folder: " + e.getMessage());
            return 1;
        }
        try {
            Captioner captioner = Captioner.open(model, new EncoderResolver(line.getOptionValue("encoder"),
                            EncoderResolver.standardFolders(EncoderResolver.sharedDir(home))),
                    new PhotoReader(settings.maxPixels(), settings.maxFileBytes()), 1);
            CaptionServer server = new CaptionServer(captioner, settings).start();
            Path uploads = settings.uploadDir();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    server.close();
                    captioner.close();
                } finally {
                    // Even if stopping failed half-way: no empty upload folder is left behind.
                    deleteFolder(uploads);
                }
            }, "captioner-shutdown"));
            System.err.println("captioner: serving " + model + " on http://" + settings.host() + ":" + server.port() + "/");
            return 0;
        } catch (Exception e) {
            System.err.println("captioner serve: " + e.getMessage());
            deleteFolder(settings.uploadDir());
            return 1;
        }
    }

    /** Removes the server's upload folder and anything a request left in it. */
    static void deleteFolder(Path dir) {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (java.io.IOException e) {
            // Already gone, or unreadable: nothing more to do at exit.
        }
    }

    /** The limits the options ask for; IllegalArgumentException (with the option named) when a value is bad. */
    static ServerSettings settings(CommandLine line, Path uploads) {
        int port = number(line, "port", 8080, 0, 65535);
        int inFlight = number(line, "max-in-flight", 8, 1, 10_000);
        long maxFile = (long) number(line, "max-file-mb", 20, 1, 4096) << 20;
        return new ServerSettings(line.getOptionValue("host", "127.0.0.1"), port, maxFile,
                Math.max(maxFile, 64L << 20), PhotoReader.DEFAULT_MAX_PIXELS, ServerSettings.DEFAULT_MAX_REQUEST_PIXELS,
                ServerSettings.DEFAULT_MAX_PARTS, inFlight, ServerSettings.DEFAULT_BODY_IDLE_MILLIS,
                ServerSettings.DEFAULT_MIN_BODY_BYTES_PER_SECOND,
                Math.max(ServerSettings.DEFAULT_MAX_BODY_BYTES_IN_FLIGHT, 8 * Math.max(maxFile, 64L << 20)), uploads);
    }

    private static int number(CommandLine line, String name, int fallback, int min, int max) {
        String v = line.getOptionValue(name);
        if (v == null) {
            return fallback;
        }
        int n;
        try {
            n = Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " needs a whole number, got '" + v + "'");
        }
        if (n < min || n > max) {
            throw new IllegalArgumentException("--" + name + " must be between " + min + " and " + max + ", got " + n);
        }
        return n;
    }

    private static int usage(String message) {
        System.err.println("captioner serve: " + message + " (see ./captioner serve --help)");
        return 2;
    }
}
