package org.captioner.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.HelpFormatter;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;
import org.captioner.caption.CaptionOptions;
import org.captioner.objects.Grounding;
import org.captioner.objects.ObjectClassifier;
import org.captioner.rerank.CaptionMatcher;

/**
 * A sub-command: its options, its help and its work. Parsing errors and bad values become a
 * one-line message and exit status 2; {@code --help} prints the options with their advice.
 */
abstract class Command {

    abstract String name();

    /** One line for the command list. */
    abstract String summary();

    /** Argument synopsis after the options, e.g. "PATH...". */
    String arguments() {
        return "";
    }

    abstract Options options();

    /** Does the work; returns the exit status. */
    abstract int run(CommandLine line) throws Exception;

    final int execute(String[] args) throws Exception {
        Options options = options();
        options.addOption(Option.builder("h").longOpt("help").desc("show this help and exit").build());
        if (java.util.Arrays.asList(args).contains("--help") || java.util.Arrays.asList(args).contains("-h")) {
            printHelp(options);
            return 0;
        }
        CommandLine line;
        try {
            line = new DefaultParser().parse(options, args);
        } catch (ParseException e) {
            throw new UsageException(e.getMessage() + " (see ./captioner " + name() + " --help)");
        }
        if (line.hasOption("help")) {
            printHelp(options);
            return 0;
        }
        return run(line);
    }

    private void printHelp(Options options) {
        HelpFormatter help = new HelpFormatter();
        help.setWidth(100);
        help.setOptionComparator(null);
        PrintWriter out = new PrintWriter(System.out, true);
        help.printHelp(out, 100, "./captioner " + name() + " [options] " + arguments(), summary(), options, 2, 4, "");
        out.flush();
    }

    static Option opt(String longName, String argName, String description) {
        return Option.builder().longOpt(longName).hasArg().argName(argName).desc(description).build();
    }

    static Option flag(String longName, String description) {
        return Option.builder().longOpt(longName).desc(description).build();
    }

    static Option required(String longName, String argName, String description) {
        return Option.builder().longOpt(longName).hasArg().argName(argName).desc(description).required().build();
    }

    static int intValue(CommandLine line, String name, int fallback, int min, int max) throws UsageException {
        String v = line.getOptionValue(name);
        if (v == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v.strip());
            if (n < min || n > max) {
                throw new UsageException("--" + name + " must be between " + min + " and " + max + ", got " + v);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " needs a whole number, got '" + v + "'");
        }
    }

    static double doubleValue(CommandLine line, String name, double fallback, double min, double max)
            throws UsageException {
        String v = line.getOptionValue(name);
        if (v == null) {
            return fallback;
        }
        try {
            double d = Double.parseDouble(v.strip());
            if (!(d >= min && d <= max)) {
                throw new UsageException("--" + name + " must be between " + min + " and " + max + ", got " + v);
            }
            return d;
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " needs a number, got '" + v + "'");
        }
    }

    static String choice(CommandLine line, String name, String fallback, String... allowed) throws UsageException {
        String v = line.getOptionValue(name, fallback);
        for (String a : allowed) {
            if (a.equals(v)) {
                return v;
            }
        }
        throw new UsageException("--" + name + " must be one of " + String.join(", ", allowed) + ", got '" + v + "'");
    }

    static Path path(CommandLine line, String name) {
        String v = line.getOptionValue(name);
        return v == null ? null : Path.of(v);
    }

    /** The {@code --model} bundle, or the default model. */
    static Path model(CommandLine line) {
        Path model = path(line, "model");
        return model != null ? model : Locations.defaultModel();
    }

    /** The {@code --features} option of the commands that learn from a bundle's feature cache. */
    static Option featureCacheOption() {
        return required("features", "DIR", "feature cache of the bundle's encoder (./captioner features)");
    }

    /** --encoder, shared by the commands that caption with a bundle. */
    static Option encoderOption() {
        return opt("encoder", "PATH|URL|ZOO-ID|NAME", "use this encoder instead of the bundle's own: a location, or"
                + " the name of one of the bundle's encoder variants (models/default has int8, 3-4x the encoder's speed,"
                + " and onnx, run by ONNX Runtime)");
    }

    /** The {@code --grounding} option, shared by caption and evaluate. */
    static Option groundingOption() {
        return opt("grounding", "on|off|T,W[,B[,R[,F[,A]]]]", "hold object words to what the encoder's ImageNet classifier"
                + " sees, and colour words to the photo's pixels: 'on' uses the bundle's setting, 'off' the language model alone, 'T,W' penalises an object"
                + " word by W x ln(evidence/T) below evidence T, ',B' adds B x evidence to words at or above"
                + " it, ',R' makes the caption name what the photo shows with evidence R or more, of the things"
                + " people name (./captioner nameable), and ',F' rules out the words of a concept detector's class"
                + " (person, skis, ...) where its probability is below F, and ',A' makes a caption of a photo with"
                + " no one in it (person below F) and nothing nameable seen at R name its best-seen thing if its"
                + " evidence is A or more (default on)");
    }

    /** The {@code --grounding} value: null for the bundle's own setting. */
    static Grounding.Settings grounding(CommandLine line) throws UsageException {
        String v = line.getOptionValue("grounding", "on").strip();
        if (v.equals("on")) {
            return null;
        }
        if (v.equals("off")) {
            return Grounding.Settings.OFF;
        }
        String[] parts = v.split(",", -1);
        try {
            if (parts.length >= 2 && parts.length <= 6) {
                double[] values = new double[6];
                for (int k = 0; k < parts.length; k++) {
                    values[k] = Double.parseDouble(parts[k]);
                }
                return new Grounding.Settings(values[0], values[1], values[2], values[3], values[4], values[5]);
            }
        } catch (IllegalArgumentException e) {
            throw new UsageException("--grounding " + v + ": " + e.getMessage());
        }
        throw new UsageException("--grounding must be on, off or THRESHOLD,WEIGHT[,BONUS[,REQUIRE[,RULE_OUT[,ALONE]]]] (e.g. 0.3,2),"
                + " got '" + v
                + "'");
    }

    /** The {@code --rerank} option, shared by caption and evaluate. */
    static Option rerankOption() {
        return opt("rerank", "on|off|W", "reorder each photo's beam captions by the search's score plus W times how"
                + " well the bundle's caption matcher says each describes the photo (fewer generic captions):"
                + " 'on' uses the bundle's weight, 'off' keeps the search's order (faster: the beam then stops at"
                + " its best caption) (default on)");
    }

    /** The {@code --rerank} value: null for the bundle's own weight, 0 for none. */
    static Double rerank(CommandLine line) throws UsageException {
        try {
            return CaptionOptions.parseRerank(line.getOptionValue("rerank", "on"));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    /** A weight for {@code --rerank} needs a bundle with a caption matcher; checked before the model loads. */
    static void requireMatcher(CommandLine line, Path model) throws UsageException {
        Double w = rerank(line);
        if (w != null && w > 0 && !Files.isRegularFile(model.resolve(CaptionMatcher.FILE))) {
            throw new UsageException("bundle " + model + " has no caption matcher (" + CaptionMatcher.FILE
                    + ") to rerank with: leave --rerank out, or make one with scripts/derive_matching.py");
        }
    }

    /**
     * {@code --grounding T,W} and {@code --tags} need the bundle's object classifier; checked from
     * its files before the (slow) model load, so the error comes at once.
     */
    static void requireObjects(CommandLine line, Path model) throws UsageException {
        Grounding.Settings g = grounding(line);
        if (Files.isRegularFile(model.resolve(ObjectClassifier.FILE))) {
            try {
                if (g != null && g.require() > 0 && !ObjectClassifier.hasNameable(model)) {
                    throw new UsageException("bundle " + model + " has no table of the things people name, so --grounding"
                            + " cannot require any: run ./captioner nameable first, or leave R out");
                }
                String unmet = g == null ? null : g.unmetBy(ObjectClassifier.conceptClasses(model));
                if (unmet != null) {
                    throw new UsageException("bundle " + model + " has " + unmet + ": run ./captioner concepts first,"
                            + " or set that value of --grounding to 0");
                }
            } catch (java.io.IOException e) {
                throw new UsageException("cannot read " + model.resolve(ObjectClassifier.FILE) + ": " + e.getMessage());
            }
            return;
        }
        if (line.hasOption("tags") || (g != null && !g.off())) {
            throw new UsageException("bundle " + model + " has no object classifier (" + ObjectClassifier.FILE
                    + "), so it cannot " + (line.hasOption("tags") ? "tag photos" : "ground captions"));
        }
    }
}
