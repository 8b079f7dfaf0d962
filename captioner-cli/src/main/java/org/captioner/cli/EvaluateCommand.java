package org.captioner.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;
import org.captioner.objects.Grounding;
import org.captioner.bundle.BundleInfo;
import org.captioner.bundle.ModelBundle;
import org.captioner.bundle.SearchDefaults;
import org.captioner.caption.CaptionOptions;
import org.captioner.caption.Captioner;
import org.captioner.caption.EncoderResolver;
import org.captioner.data.CaptionDataset;
import org.captioner.data.Split;
import org.captioner.data.SplitData;
import org.captioner.eval.EvaluationResult;
import org.captioner.eval.ImageEvaluation;
import org.captioner.eval.SplitEvaluator;
import org.captioner.features.FeatureStore;
import org.captioner.report.HtmlReport;

/** {@code ./captioner evaluate}: captions a held-out split and scores it, with an HTML report. */
final class EvaluateCommand extends Command {

    @Override
    String name() {
        return "evaluate";
    }

    @Override
    String summary() {
        return "Caption a dataset split with a model and score it with the COCO caption metrics. Writes"
                + " metrics.json, results.json (COCO results format) and report.html (thumbnails with captions,"
                + " references and per-image CIDEr) into --out.";
    }

    @Override
    Options options() {
        Options o = new Options();
        o.addOption(opt("model", "BUNDLE", "model bundle folder (default: models/default)"));
        DatasetOptions.add(o);
        o.addOption(opt("split", "SPLIT", "test (default), dev or train. Tune on dev; score test once per model"));
        o.addOption(opt("beam", "K", "beam width; 1 is greedy (default: the bundle's, " + Locations.defaultSearch() + ")"));
        o.addOption(opt("length-penalty", "A", "α of the length normalisation (default: the bundle's)"));
        o.addOption(opt("max-length", "L", "most words per caption (default: the bundle's)"));
        o.addOption(opt("batch-size", "B", "images per model call (default 32)"));
        o.addOption(opt("features", "DIR", "reuse a feature cache from ./captioner features when it matches the"
                + " model's encoder (much faster); images without cached features are encoded"));
        o.addOption(encoderOption());
        o.addOption(opt("add-encoder", "NAME", "measure the bundle's decoders on the features of --encoder FILE (a"
                + " TorchScript or .onnx file), then add that file to the bundle as encoder variant NAME with the"
                + " scores measured here, so that --encoder NAME selects it. Run it on the dev split"));
        o.addOption(opt("make-own", "FORMER", "with --add-encoder NAME: then make NAME the bundle's own encoder"
                + " (the one every command runs unless --encoder says otherwise; no longer a variant), keeping the"
                + " bundle's own encoder until now as new variant FORMER (its file must be in the bundle folder). If"
                + " any image fails, NAME is only added as a variant"));
        o.addOption(groundingOption());
        o.addOption(rerankOption());
        o.addOption(required("out", "DIR", "folder for metrics.json, results.json, report.html and thumbs/"));
        o.addOption(flag("no-attention-maps", "for a bundle whose decoder attends to regions: leave the per-word"
                + " attention maps out of the report (each costs one more decoder pass per image)"));
        o.addOption(flag("record", "also record the scores in the bundle's provenance (as <split>.beam<K>.<metric>;"
                + " <dataset>.<split>... for a dataset other than the one the bundle was trained on)"));
        o.addOption(flag("adopt", "make this beam width, length penalty, max length and rerank weight (0 with"
                + " --rerank off) the bundle's defaults (choose them on the dev split)"));
        return o;
    }

    /**
     * Where {@code --record} files a split's scores: {@code <split>.beam<K>[.grounded<T_W_B[_R[_F[_A]]]>]},
     * led by {@code dataset.} where the scores are of a dataset other than the one the bundle was
     * trained on (null: its own; the COCO sample's only split is read as "test", and its scores must not
     * replace the Flickr8k test figures), and {@code .noblock} / {@code .nofill} / {@code .noanimals} /
     * {@code .dangling} where the measuring switches -Dcaptioner.blockTrigrams=false,
     * -Dcaptioner.fillPlaces=false, -Dcaptioner.nameAnimals=false and -Dcaptioner.endDangling=true were
     * set ({@code .nocolours} for -Dcaptioner.colours=false, through the overload below), so that a
     * measurement without them replaces no shipped figure; {@code .rerank<W>} where the
     * beam's captions were reranked with weight W ({@link Captioner#rerankWeight}; none before it existed).
     */
    static String recordPrefix(String dataset, Split split, int beam, Grounding.Settings g, boolean blocksTrigrams,
            boolean fillsPlaces, boolean namesAnimals, boolean endsDangling, double rerank) {
        return recordPrefix(dataset, split, beam, g, blocksTrigrams, fillsPlaces, namesAnimals, endsDangling, rerank,
                true);
    }

    /** As above, and {@code .nocolours} where -Dcaptioner.colours=false held no colour word to the photo. */
    static String recordPrefix(String dataset, Split split, int beam, Grounding.Settings g, boolean blocksTrigrams,
            boolean fillsPlaces, boolean namesAnimals, boolean endsDangling, double rerank, boolean holdsColours) {
        return (dataset == null ? "" : dataset + ".") + split.label() + ".beam" + beam
                + (g.off() ? "" : ".grounded" + g.describe().replace(',', '_'))
                + (rerank > 0 ? ".rerank" + weightText(rerank) : "")
                + (blocksTrigrams ? "" : ".noblock") + (fillsPlaces || g.off() ? "" : ".nofill")
                + (namesAnimals || g.off() ? "" : ".noanimals") + (holdsColours || g.off() ? "" : ".nocolours")
                + (endsDangling ? ".dangling" : "") + ".";
    }

    /** A rerank weight as record keys and the report show it: "6", "0.5". */
    static String weightText(double weight) {
        return weight == Math.rint(weight) ? String.valueOf((long) weight) : String.valueOf(weight);
    }

    /** Writes scores and/or search defaults into the bundle's bundle.json (atomically). */
    private static void updateBundle(Path model, String dataset, Split split, CaptionOptions options,
            Grounding.Settings g, double rerank, EvaluationResult result, boolean record, boolean adopt)
            throws java.io.IOException {
        BundleInfo info = ModelBundle.readInfo(model);
        if (record) {
            java.util.Map<String, Double> metrics = new java.util.LinkedHashMap<>(info.provenance().metrics());
            String own = info.provenance().dataset();
            String prefix = recordPrefix(dataset.equals(own) ? null : dataset, split, options.beam(), g,
                    Captioner.blocksTrigrams(), Captioner.fillsPlaces(), Captioner.namesAnimals(),
                    Captioner.endsDangling(), rerank, Captioner.holdsColours());
            result.scores().asMap().forEach((k, v) -> metrics.put(prefix + k, v));
            info = info.withProvenance(info.provenance().withMetrics(metrics));
        }
        if (adopt) {
            info = info.withSearch(new SearchDefaults(options.beam(), options.lengthPenalty(), options.maxLength(),
                    rerank));
        }
        ModelBundle.writeInfo(model, info);
        System.err.println("updated " + model.resolve(ModelBundle.INFO_FILE));
    }

    /**
     * What --add-encoder needs, checked before minutes of evaluation: a plain name, an encoder
     * file (a URL or zoo id cannot be shipped in a bundle), and no other file of that name in the
     * bundle folder.
     */
    private static void checkNewVariant(Path model, String name, String encoder) throws java.io.IOException,
            UsageException {
        if (encoder == null || !name.matches("[A-Za-z0-9][A-Za-z0-9_-]*")) {
            throw new UsageException("--add-encoder NAME needs --encoder FILE, and a NAME of letters, digits, '_'"
                    + " and '-'");
        }
        org.captioner.encoder.EncoderSource source = org.captioner.encoder.EncoderSource.parse(encoder);
        if (source.kind() != org.captioner.encoder.EncoderSource.Kind.FILE || !Files.isRegularFile(source.path())) {
            throw new UsageException("--add-encoder needs --encoder to be an encoder file, not " + encoder);
        }
        Path target = model.resolve(source.path().getFileName().toString());
        if (Files.exists(target) && !Files.isSameFile(target, source.path())
                && !org.captioner.encoder.ImageEncoder.sha256(target)
                        .equals(org.captioner.encoder.ImageEncoder.sha256(source.path()))) {
            throw new UsageException(target + " exists and is another file; rename the encoder file");
        }
    }

    /**
     * What --make-own needs, checked before the evaluation: --add-encoder, a plain name that no
     * variant has yet, the bundle's own encoder as a file in the bundle folder (a variant must be),
     * and an added encoder that is neither the own one nor another variant's file.
     */
    private static void checkFormerOwn(Path model, String variant, String former, String encoder)
            throws java.io.IOException, UsageException {
        if (variant == null) {
            throw new UsageException("--make-own FORMER needs --add-encoder NAME: the encoder that becomes the own");
        }
        if (!former.matches("[A-Za-z0-9][A-Za-z0-9_-]*") || former.equals(variant)) {
            throw new UsageException("--make-own FORMER needs a name of letters, digits, '_' and '-', other than "
                    + variant);
        }
        BundleInfo info = ModelBundle.readInfo(model);
        if (info.encoderVariant(former) != null) {
            throw new UsageException("bundle " + model + " has an encoder variant " + former + " already");
        }
        String fileName = info.encoderLocation() == null ? null : info.encoderLocation().fileName();
        String sha = info.encoder().sha256();
        if (fileName == null || sha == null || !Files.isRegularFile(model.resolve(fileName))
                || !sha.equalsIgnoreCase(org.captioner.encoder.ImageEncoder.sha256(model.resolve(fileName)))) {
            throw new UsageException("--make-own: the bundle's own encoder (" + info.encoder().name() + ") is not in "
                    + model + " as a file, so it could not stay a variant; copy it there first");
        }
        // checkNewVariant has made sure --encoder is a file.
        String added = org.captioner.encoder.ImageEncoder.sha256(Path.of(encoder));
        // Re-measuring variant NAME itself before it takes the own place is fine; another's file is not.
        boolean known = added.equalsIgnoreCase(sha) || info.encoderVariants().stream()
                .anyMatch(v -> added.equalsIgnoreCase(v.identity().sha256()) && !v.name().equals(variant));
        if (known) {
            throw new UsageException("--make-own: " + encoder + " is the bundle's own encoder or one of its variants"
                    + " already");
        }
    }

    /**
     * Copies the trial encoder's file into the bundle (unless it is there already) and returns the
     * bundle's info listing it as variant {@code name}, with the scores just measured on its features
     * (the caller writes it).
     */
    private static BundleInfo addVariant(Path model, String name, Captioner captioner, Split split, String dataset,
            CaptionOptions options, EvaluationResult result) throws java.io.IOException, UsageException {
        org.captioner.encoder.EncoderIdentity identity = captioner.encoder().identity();
        if (identity.sha256() == null) {
            throw new UsageException("--add-encoder needs an encoder file (a URL or zoo id cannot be shipped in a bundle)");
        }
        Path file = Path.of(identity.origin());
        Path target = model.resolve(file.getFileName().toString());
        if (!Files.exists(target)) {
            Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
            Files.copy(file, tmp, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            org.captioner.files.FileReplace.moveIntoPlace(tmp, target);
        } else if (!identity.sha256().equalsIgnoreCase(org.captioner.encoder.ImageEncoder.sha256(target))) {
            throw new UsageException(target + " exists and is another file; rename the encoder file");
        }
        BundleInfo.EncoderVariant previous = ModelBundle.readInfo(model).encoderVariant(name);
        if (previous != null && !previous.fileName().equals(target.getFileName().toString())) {
            System.err.println("encoder variant " + name + " was " + previous.fileName() + "; that file is no longer"
                    + " used and may be deleted");
        }
        long scored = result.images().stream().filter(e -> e.error() == null).count();
        var s = result.scores().asMap();
        double rerank = captioner.rerankWeight(options);
        String measured = String.format(Locale.ROOT, "%s %s, %d images, beam %d, grounding %s%s: BLEU-4 %.4f, CIDEr %.4f,"
                        + " CHAIRs %.3f", dataset, split.label(), scored, options.beam(),
                captioner.grounding(options).describe(), rerank > 0 ? ", rerank " + rerank : "",
                s.get("Bleu_4"), s.get("CIDEr"), s.get("CHAIRs"));
        return ModelBundle.readInfo(model).withEncoderVariant(new BundleInfo.EncoderVariant(name,
                target.getFileName().toString(), new org.captioner.encoder.EncoderIdentity(identity.name(),
                        identity.sha256(), null, identity.preprocessing(), identity.featureSize()), measured));
    }

    @Override
    int run(CommandLine line) throws Exception {
        Split split;
        try {
            split = Split.parse(line.getOptionValue("split", "test"));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        intValue(line, "beam", 1, 1, 100);
        intValue(line, "max-length", 20, 1, 200);
        doubleValue(line, "length-penalty", 0, 0, 2);
        intValue(line, "batch-size", 32, 1, 1024);
        Path model = model(line);
        requireObjects(line, model);
        requireMatcher(line, model);
        CaptionDataset dataset = DatasetOptions.open(line);
        SplitData data = DatasetOptions.split(dataset, split);
        Path out = Path.of(line.getOptionValue("out"));
        Files.createDirectories(out);
        EncoderResolver resolver = new EncoderResolver(line.getOptionValue("encoder"), Locations.encoderDirs());
        String variant = line.getOptionValue("add-encoder");
        if (variant != null) {
            checkNewVariant(model, variant, line.getOptionValue("encoder"));
        }
        String former = line.getOptionValue("make-own");
        if (former != null) {
            checkFormerOwn(model, variant, former, line.getOptionValue("encoder"));
        }
        // Ctrl-C (or SIGTERM) stops after the batch in hand, writes nothing and frees the models
        // before the JVM may exit (exiting under a running forward pass crashed libtorch).
        try (StopSignal stop = StopSignal.install("stopping after the images in hand...");
                Captioner captioner = variant == null ? Captioner.open(model, resolver)
                        : Captioner.openForTrial(model, resolver)) {
            CaptionOptions defaults = captioner.defaultOptions();
            CaptionOptions options;
            try {
                int beam = intValue(line, "beam", defaults.beam(), 1, 100);
                options = new CaptionOptions(beam, 1, intValue(line, "max-length", defaults.maxLength(), 1, 200),
                        doubleValue(line, "length-penalty", defaults.lengthPenalty(), 0, 2), 0, 0,
                        intValue(line, "batch-size", 32, 1, 1024), grounding(line))
                        .withRerank(rerank(line))
                        // The report shows where an attending decoder looked for each word.
                        .withAttention(captioner.takesGrids() && !line.hasOption("no-attention-maps"));
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
            FeatureStore cache = null;
            if (line.hasOption("features")) {
                FeatureStore store = FeatureStore.openExisting(Path.of(line.getOptionValue("features")));
                if ((store.layout().regions() > 1) != captioner.takesGrids()) {
                    System.err.println("feature cache " + store.dir() + " holds " + (captioner.takesGrids()
                            ? "pooled vectors; this model attends to grids (features --grid)" : "grids; this model"
                                    + " takes pooled vectors") + "; encoding images instead");
                } else if (store.identity().compatibleWith(captioner.encoder().identity())) {
                    cache = store;
                } else {
                    System.err.println("feature cache " + store.dir() + " is for another encoder ("
                            + store.identity().differences(captioner.encoder().identity()) + "); encoding images instead");
                }
            }
            EvaluationResult result;
            try {
                result = new SplitEvaluator(captioner, cache)
                        .evaluate(dataset.name(), data, options, new Bars("img"), stop::requested);
            } catch (SplitEvaluator.Stopped e) {
                System.err.println("captioner: interrupted (" + e.getMessage() + "); no scores were written");
                return 130;
            }
            ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            ObjectNode metrics = json.createObjectNode();
            metrics.put("model", model.toString());
            metrics.put("dataset", dataset.name());
            metrics.put("split", split.label());
            List<ImageEvaluation> failed = result.images().stream().filter(e -> e.error() != null).toList();
            // Scores cover the images that were captioned; the ones that could not be are counted apart.
            metrics.put("images", result.images().size() - failed.size());
            metrics.put("failed_images", failed.size());
            metrics.put("beam", options.beam());
            metrics.put("length_penalty", options.lengthPenalty());
            metrics.put("max_length", options.maxLength());
            metrics.put("grounding", captioner.grounding(options).describe());
            double rerank = captioner.rerankWeight(options);
            metrics.put("rerank", rerank);
            metrics.put("colours", captioner.holdsColours(options));
            result.scores().asMap().forEach(metrics::put);
            ObjectNode hallucinated = metrics.putObject("hallucinated_classes");
            result.scores().chair().hallucinationsByClass().forEach(hallucinated::put);
            ObjectNode perImage = metrics.putObject("CIDEr_per_image");
            result.scores().ciderPerImage().forEach(perImage::put);
            ObjectNode hallucinatedPerImage = metrics.putObject("hallucinated_per_image");
            result.scores().chair().hallucinatedPerImage().forEach((id, classes) -> {
                if (!classes.isEmpty()) {
                    ArrayNode a = hallucinatedPerImage.putArray(id);
                    classes.forEach(a::add);
                }
            });
            json.writeValue(out.resolve("metrics.json").toFile(), metrics);
            ArrayNode results = json.createArrayNode();
            for (ImageEvaluation e : result.images()) {
                if (e.caption() != null) {
                    results.addObject().put("image_id", e.id()).put("caption", e.caption());
                }
            }
            json.writeValue(out.resolve("results.json").toFile(), results);
            // The report's header names the model and, where the beam's captions were reranked, the weight.
            HtmlReport.write(out, result, model.getFileName() + (rerank > 0 ? ", captions reranked with weight "
                    + weightText(rerank) : ""), captioner.encoder().identity().preprocessing(), dataset.describe(split));
            if ((line.hasOption("record") || line.hasOption("adopt"))
                    && !captioner.info().encoder().compatibleWith(captioner.encoder().identity())) {
                // Scores and settings in bundle.json describe the bundle with its own encoder.
                throw new UsageException("--record and --adopt need the bundle's own encoder; with another one the"
                        + " scores go into the encoder variant (--add-encoder) instead");
            }
            if (line.hasOption("record") || line.hasOption("adopt")) {
                updateBundle(model, dataset.name(), split, options, captioner.grounding(options), rerank, result,
                        line.hasOption("record"), line.hasOption("adopt"));
            }
            if (variant != null) {
                BundleInfo info = addVariant(model, variant, captioner, split, dataset.name(), options, result);
                String added = "added encoder variant " + variant + " (" + info.encoderVariant(variant).fileName()
                        + ") to " + model + ": " + info.encoderVariant(variant).measured();
                if (former != null && !failed.isEmpty()) {
                    System.err.println("captioner evaluate: " + variant + " was not made the own encoder: "
                            + failed.size() + " images could not be captioned");
                } else if (former != null) {
                    BundleInfo.EncoderVariant chosen = info.encoderVariant(variant);
                    // The own encoder was the decoders' training encoder unless it took another's place itself.
                    boolean trainedOn = info.encoderVariants().stream().noneMatch(BundleInfo.EncoderVariant::formerOwn);
                    String was = String.format(Locale.ROOT, "the bundle's own encoder until encoder variant %s (%s),"
                            + " measured at %s, took its place on %s%s", variant, chosen.fileName(), chosen.measured(),
                            java.time.LocalDate.now(), trainedOn ? "; its decoders were trained on its features" : "");
                    String formerFile = info.encoderLocation().fileName();
                    info = info.withOwnEncoder(variant, former, was);
                    added += "\nmade it the own encoder of " + model + "; " + formerFile + " is now variant " + former
                            + " (scores recorded in bundle.json before were measured with it)";
                }
                // One write: the bundle never holds the variant without the own-encoder change asked for.
                ModelBundle.writeInfo(model, info);
                System.err.println(added);
            }
            System.out.println(ScoreCommand.table(result.scores(), result.images().size() - failed.size()));
            for (ImageEvaluation e : failed) {
                System.err.println("captioner evaluate: " + e.id() + ": " + e.error() + " (not scored)");
            }
            if (!failed.isEmpty()) {
                System.err.printf("%d of %d images could not be captioned and are not in the scores%n", failed.size(),
                        result.images().size());
            }
            System.err.printf(Locale.ROOT, "wrote %s (metrics.json, results.json, report.html) in %.0f s%n", out,
                    result.seconds());
            return failed.isEmpty() ? 0 : 1;
        }
    }
}
