package org.captioner.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;
import org.captioner.bundle.ModelBundle;
import org.captioner.data.CaptionDataset;
import org.captioner.data.CaptionedImage;
import org.captioner.data.Split;
import org.captioner.data.SplitData;
import org.captioner.features.FeatureStore;
import org.captioner.objects.Grounding;
import org.captioner.objects.NameableWords;
import org.captioner.objects.ObjectClassifier;
import org.captioner.progress.Progress;
import org.captioner.text.Vocabulary;

/**
 * {@code ./captioner nameable}: measures, on captioned photos, which of the things a bundle's
 * ImageNet classifier sees people name, so that grounding requires only those in a caption.
 */
final class NameableCommand extends Command {

    /** Photos whose evidence rows are computed at once. */
    private static final int CHUNK = 64;

    @Override
    String name() {
        return "nameable";
    }

    @Override
    String summary() {
        return "Measure which of the things the bundle's ImageNet classifier sees (object classes, and words such as"
                + " fountain or food) the training captions name where it sees them: the share of such photos whose"
                + " captions name them. Grounding requires a caption to name only things people name (--grounding's"
                + " R). Per ImageNet class it also learns the word people call the thing by there (\"tennis\" for the"
                + " racket) and whether, counting it, they name it there. Writes nameable-words.json into the bundle"
                + " and names it in objects.json.";
    }

    @Override
    Options options() {
        Options o = new Options();
        DatasetOptions.add(o);
        o.addOption(featureCacheOption());
        o.addOption(opt("model", "BUNDLE", "bundle whose classifier gains the table (default: models/default)"));
        o.addOption(opt("split", "SPLIT", "the captioned photos counted (default train: dev is for choosing settings)"));
        o.addOption(opt("evidence", "P", "a photo shows a thing where its evidence is at least P (default: the bundle's"
                + " grounding R, else 0.7)"));
        o.addOption(opt("min-share", "S", "a thing is nameable where the captions of at least this share of the photos"
                + " that show it name it (smoothed; default 0.5)"));
        return o;
    }

    @Override
    int run(CommandLine line) throws Exception {
        Path model = model(line);
        double minShare = doubleValue(line, "min-share", 0.5, 0, 1);
        Split split;
        try {
            split = Split.parse(line.getOptionValue("split", "train"));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        FeatureStore store = FeatureStore.openExisting(Path.of(line.getOptionValue("features")));
        Vocabulary vocabulary = Vocabulary.load(model.resolve(ModelBundle.VOCABULARY_FILE));
        boolean grids = ModelBundle.readInfo(model).decoder().attends();
        if (grids != store.layout().regions() > 1) {
            throw new UsageException("the decoders of " + model + (grids ? " attend to grids of regions, and "
                    + store.dir() + " holds pooled vectors (./captioner features --grid)" : " take pooled features, and "
                    + store.dir() + " holds grids"));
        }
        try (ObjectClassifier objects = ObjectClassifier.open(model, store.identity(), vocabulary, grids)) {
            if (objects == null) {
                throw new UsageException("bundle " + model + " has no object classifier (" + ObjectClassifier.FILE + ")");
            }
            double require = objects.groundingDefaults().require();
            double evidence = doubleValue(line, "evidence", require > 0 ? require : 0.7, 0, 1);
            Grounding grounding = Grounding.of(objects.words(), objects.conceptClasses(), vocabulary);
            NameableWords.Tally tally = new NameableWords.Tally(grounding, vocabulary, objects.words(), evidence);
            CaptionDataset dataset = DatasetOptions.open(line);
            SplitData data = DatasetOptions.split(dataset, split);
            int featureSize = store.identity().featureSize();
            Progress progress = Bars.when(true, "img");
            progress.start("nameable " + split.label(), data.images().size(), 0);
            List<float[]> features = new ArrayList<>();
            List<List<String>> captions = new ArrayList<>();
            int counted = 0;
            int missing = 0;
            for (CaptionedImage image : data.images()) {
                float[] f = store.get(image.id());
                if (f == null) {
                    missing++;
                } else {
                    features.add(f);
                    captions.add(image.captions());
                }
                if (features.size() == CHUNK) {
                    counted += count(objects, tally, features, captions, featureSize);
                }
                progress.advance(1, "");
            }
            counted += count(objects, tally, features, captions, featureSize);
            progress.finish();
            DatasetOptions.reportMissingFeatures(split, missing);
            if (counted == 0) {
                throw new UsageException("no " + split.label() + " image has cached features in " + store.dir());
            }
            NameableWords table = tally.result(String.format(Locale.ROOT, "%s %s (%d photos)", dataset.name(),
                    split.label(), counted), minShare);
            System.err.printf("%-16s %7s %7s %7s%n", "thing", "photos", "named", "share");
            for (NameableWords.Word w : table.words()) {
                System.err.printf(Locale.ROOT, "%-16s %7d %7d %7.2f  %s%n", w.word(), w.photos(), w.named(), w.share(),
                        w.share() >= minShare ? "nameable" : "");
                for (NameableWords.AlsoNamed a : w.alsoNamed()) {
                    System.err.printf(Locale.ROOT, "  %-14s %7d %7d %7.2f  %s%n", "\"" + a.word() + "\"", a.photos(),
                            a.named(), a.share(),
                            "in ImageNet's " + a.label() + (a.share() >= minShare ? ": nameable" : ""));
                }
            }
            ObjectClassifier.attachNameable(model, table);
            System.err.printf("wrote %s: %d of %d things nameable%n", model.resolve(NameableWords.FILE),
                    table.nameable().size(), table.words().size());
        }
        return 0;
    }

    /** Counts one chunk and empties it; returns how many photos it held. */
    private static int count(ObjectClassifier objects, NameableWords.Tally tally, List<float[]> features,
            List<List<String>> captions, int featureSize) {
        float[][] rows = objects.evidence(features.toArray(float[][]::new), featureSize);
        for (int i = 0; i < rows.length; i++) {
            tally.add(rows[i], captions.get(i));
        }
        int n = rows.length;
        features.clear();
        captions.clear();
        return n;
    }
}
