package org.captioner.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;
import org.captioner.caption.CaptionOptions;
import org.captioner.caption.Captioner;
import org.captioner.caption.EncoderResolver;
import org.captioner.caption.ImageInput;
import org.captioner.image.PhotoReader;
import org.captioner.progress.Progress;

/** {@code ./captioner caption}: captions files and folders of images. */
final class CaptionCommand extends Command {

    @Override
    String name() {
        return "caption";
    }

    @Override
    String arguments() {
        return "PATH...";
    }

    @Override
    String summary() {
        return "Caption images: any mix of files and folders (walked recursively). Files are recognised by"
                + " content (JPEG, PNG, GIF, BMP, WebP, TIFF); a bad file is reported and the rest are still captioned."
                + " Exit status 0 when all succeeded, 1 when some failed, 2 for usage errors.";
    }

    @Override
    Options options() {
        Options o = new Options();
        o.addOption(opt("model", "BUNDLE", "model bundle folder (default: models/default)"));
        o.addOption(opt("beam", "K", "beam width: partial captions kept at each word. Wider finds likelier"
                + " captions and is slower; past the bundle's own choice it rarely helps; 1 is greedy and fastest"
                + " (default: the bundle's, " + Locations.defaultSearch() + ")"));
        o.addOption(opt("n-best", "N", "captions per image, best first (at most the beam width; default 1); with reranking"
                + " (--rerank) in its order, which their search scores need not follow"));
        o.addOption(opt("max-length", "L", "most words per caption (default: the bundle's, usually 20)"));
        o.addOption(opt("length-penalty", "A", "α in logprob / length^α: 0 favours short captions, 1 longer ones"
                + " (default: the bundle's)"));
        o.addOption(opt("temperature", "T", "sample diverse captions at temperature T instead of beam search"
                + " (0.5-1.0 reads well)"));
        o.addOption(opt("seed", "N", "random seed for --temperature (default 0)"));
        o.addOption(opt("batch-size", "B", "images per decoder search (default 32; the encoder is called with 8 of them at a time under the launcher's allocator settings, else one at a time: the fastest of each case here)"));
        o.addOption(opt("format", "FMT", "text (path<TAB>caption; default), jsonl, csv or coco (COCO results JSON)"));
        o.addOption(opt("output", "FILE", "write results to FILE instead of standard output"));
        o.addOption(encoderOption());
        o.addOption(opt("max-pixels", "N", "refuse images with more pixels than N (default 67108864)"));
        o.addOption(flag("progress", "show a progress bar even when stderr is not a terminal"));
        o.addOption(groundingOption());
        o.addOption(rerankOption());
        o.addOption(flag("tags", "text and csv: add what the encoder's ImageNet classifier sees (jsonl always has it)"));
        o.addOption(opt("attention", "DIR", "for a bundle whose decoder attends to image regions (train --attention):"
                + " write a picture per image into DIR of where it looked for each word (jsonl output then"
                + " carries each word's attention weights too)"));
        return o;
    }

    @Override
    int run(CommandLine line) throws Exception {
        List<Path> roots = new ArrayList<>();
        for (String a : line.getArgs()) {
            Path p = Path.of(a);
            if (!Files.exists(p)) {
                throw new UsageException("no such file or folder: " + a);
            }
            roots.add(p);
        }
        if (roots.isEmpty()) {
            throw new UsageException("give at least one image file or folder (see ./captioner caption --help)");
        }
        String format = choice(line, "format", "text", "text", "jsonl", "csv", "coco");
        // Check every value before the (slow) model load, so a typo fails at once with status 2.
        options(line, new CaptionOptions(100, 1, 20, 0, 0, 0, 8));
        Path output = path(line, "output");
        if (output != null) {
            OutputFile.check(output, roots);
        }
        Path model = model(line);
        Path attentionDir = path(line, "attention");
        if (attentionDir != null) {
            AttentionPictures.check(attentionDir, roots);
        }
        requireObjects(line, model);
        requireMatcher(line, model);
        long maxPixels = intValue(line, "max-pixels", (int) Math.min(Integer.MAX_VALUE, PhotoReader.DEFAULT_MAX_PIXELS),
                1, Integer.MAX_VALUE);
        EncoderResolver resolver = new EncoderResolver(line.getOptionValue("encoder"), Locations.encoderDirs());
        int[] counts = new int[2];
        long begin = System.nanoTime();
        Progress progress = Bars.when(line.hasOption("progress") || Bars.stderrIsTerminal(), "img");
        ImagePaths paths = new ImagePaths(roots, note -> System.err.println("captioner: " + ResultWriter.escape(note)))
                .protecting(output == null ? null : OutputFile.existingKey(output));
        // Ctrl-C (or SIGTERM) stops the walk; the batches in flight finish, the output is closed as a
        // valid file and the models are freed before the JVM may exit.
        try (StopSignal stop = StopSignal.install("stopping after the images already in hand...")) {
            try (Captioner captioner = Captioner.open(model, resolver,
                    new PhotoReader(maxPixels, PhotoReader.DEFAULT_MAX_BYTES), 1);
                    OutputFile out = output == null ? OutputFile.stdout() : OutputFile.replacing(output)) {
                CaptionOptions options = options(line, captioner.defaultOptions());
                AttentionPictures pictures = null;
                if (attentionDir != null) {
                    if (!captioner.takesGrids()) {
                        throw new UsageException("--attention needs a bundle whose decoder attends to image regions"
                                + " (made by train --attention); " + model + " sees one pooled vector per photo");
                    }
                    options = options.withAttention(true);
                    Files.createDirectories(attentionDir);
                    pictures = new AttentionPictures(attentionDir, captioner.encoder().identity().preprocessing(),
                            new PhotoReader(maxPixels, PhotoReader.DEFAULT_MAX_BYTES));
                }
                AttentionPictures drawn = pictures;
                try (ResultWriter results = ResultWriter.create(format, out.writer(), line.hasOption("tags"))) {
                    progress.start("caption", -1, 0);
                    captioner.captionAll(until(stop, paths), options, r -> {
                        counts[r.succeeded() ? 0 : 1]++;
                        try {
                            results.write(r);
                            if (drawn != null && r.succeeded()) {
                                drawn.write(r);
                            }
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                        progress.advance(1, counts[1] == 0 ? "" : counts[1] + " failed");
                    });
                } finally {
                    progress.finish();
                }
                // Stopped before anything was captioned (Ctrl-C during the model load): an existing
                // output keeps its earlier results rather than becoming an empty file.
                if (!stop.requested() || counts[0] + counts[1] > 0) {
                    out.commit();
                }
            } catch (ImagePaths.OutputAmongInputs e) {
                throw new UsageException(e.getMessage());
            }
            // Reported before the signal hook is released: the JVM may exit as soon as it is.
            double seconds = (System.nanoTime() - begin) / 1e9;
            int failed = counts[1] + paths.unlistableFolders();
            if (stop.requested() && counts[0] + counts[1] == 0) {
                System.err.println("captioner: interrupted before any image was captioned; the output was left as it was");
            } else if (stop.requested()) {
                System.err.printf(Locale.ROOT, "captioner: interrupted after %d images; what was written is complete%n",
                        counts[0] + counts[1]);
            } else if (failed > 0 || progress != Progress.NONE) {
                System.err.printf(Locale.ROOT, "%d captioned, %d failed%s, %.1f images/s%n", counts[0], counts[1],
                        paths.unlistableFolders() == 0 ? "" : ", " + paths.unlistableFolders() + " folders unreadable",
                        (counts[0] + counts[1]) / Math.max(seconds, 1e-9));
            }
            System.err.flush();
            return failed == 0 ? 0 : 1;
        }
    }

    /** {@code inputs}, ending early once {@code stop} is set. */
    private static Iterator<ImageInput> until(StopSignal stop, Iterator<ImageInput> inputs) {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return !stop.requested() && inputs.hasNext();
            }

            @Override
            public ImageInput next() {
                return inputs.next();
            }
        };
    }

    static CaptionOptions options(CommandLine line, CaptionOptions defaults) throws UsageException {
        int beam = intValue(line, "beam", defaults.beam(), 1, 100);
        int nBest = intValue(line, "n-best", 1, 1, 100);
        double temperature = doubleValue(line, "temperature", 0, 0, 100);
        if (temperature == 0 && nBest > beam) {
            throw new UsageException("--n-best " + nBest + " is larger than the beam width " + beam);
        }
        try {
            return new CaptionOptions(beam, nBest,
                    intValue(line, "max-length", defaults.maxLength(), 1, 200),
                    doubleValue(line, "length-penalty", defaults.lengthPenalty(), 0, 2),
                    temperature,
                    intValue(line, "seed", 0, 0, Integer.MAX_VALUE),
                    intValue(line, "batch-size", defaults.batchSize(), 1, 1024),
                    grounding(line)).withRerank(rerank(line));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }
}
