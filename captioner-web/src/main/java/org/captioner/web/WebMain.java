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
        o.addOption(Option.builder().longOpt("encoder").hasArg().argName("PATH|URL|ZOO-ID")
                .desc("use this encoder instead of looking up the bundle's").build());
        o.addOption(Option.builder().longOpt("max-in-flight").hasArg().argName("N")
                .desc("caption requests admitted at once; more get 503 + Retry-After (default 8)").build());
        o.addOption(Option.builder().longOpt("max-file-mb").hasArg().argName("MB").desc("largest upload (default 20)").build());
        o.addOption(Option.builder("h").longOpt("help").desc("show this help").build());
        return o;
    }

    public static void main(String[] args) {
        Options options = options();
        CommandLine line;
        try {
            line = new DefaultParser().parse(options, args);
        } catch (ParseException e) {
            System.err.println("captioner serve: " + e.getMessage() + " (see ./captioner serve --help)");
            System.exit(2);
            return;
        }
        if (line.hasOption("help")) {
            new HelpFormatter().printHelp("./captioner serve [options]",
                    "Serve the upload page (GET /) and the JSON API (POST /api/captions, GET /api/health).", options, "");
            return;
        }
        try {
            int port = Integer.parseInt(line.getOptionValue("port", "8080"));
            int inFlight = Integer.parseInt(line.getOptionValue("max-in-flight", "8"));
            long maxFile = Long.parseLong(line.getOptionValue("max-file-mb", "20")) << 20;
            Path home = Path.of(System.getProperty("captioner.home", ".")).toAbsolutePath().normalize();
            Path model = Path.of(line.getOptionValue("model", home.resolve("models/default").toString()));
            Path uploads = Files.createTempDirectory("captioner-uploads");
            ServerSettings settings = new ServerSettings(line.getOptionValue("host", "127.0.0.1"), port, maxFile,
                    Math.max(maxFile, 64L << 20), PhotoReader.DEFAULT_MAX_PIXELS, inFlight, uploads);
            Captioner captioner = Captioner.open(model, new EncoderResolver(line.getOptionValue("encoder"), EncoderResolver.standardFolders(EncoderResolver.sharedDir(home))),
                    new PhotoReader(settings.maxPixels(), settings.maxFileBytes()), 1);
            CaptionServer server = new CaptionServer(captioner, settings).start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                server.close();
                captioner.close();
            }, "captioner-shutdown"));
            System.err.println("captioner: serving " + model + " on http://" + settings.host() + ":" + server.port() + "/");
        } catch (NumberFormatException e) {
            System.err.println("captioner serve: expected a number: " + e.getMessage());
            System.exit(2);
        } catch (Exception e) {
            System.err.println("captioner serve: " + e.getMessage());
            System.exit(1);
        }
    }
}
