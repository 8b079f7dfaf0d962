package org.captioner.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;
import org.captioner.bundle.ModelBundle;
import org.captioner.data.CaptionDataset;
import org.captioner.data.CaptionedImage;
import org.captioner.data.Split;
import org.captioner.data.SplitData;
import org.captioner.features.FeatureStore;
import org.captioner.features.Grids;
import org.captioner.metrics.Chair;
import org.captioner.objects.ConceptDetectors;
import org.captioner.objects.ConceptTrainer;
import org.captioner.objects.Grounding;
import org.captioner.objects.ObjectClassifier;
import org.captioner.text.Vocabulary;

/**
 * {@code ./captioner concepts}: teaches a bundle's object classifier the object classes ImageNet has
 * no class for (person, skateboard, skis, ...), from which objects a dataset's captions name, so
 * that grounding can check those words too.
 */
final class ConceptsCommand extends Command {

    @Override
    String name() {
        return "concepts";
    }

    @Override
    String summary() {
        return "Train detectors for the object classes the bundle's ImageNet classifier cannot see (person,"
                + " skateboard, ...) from cached features and the objects the training captions name; each is"
                + " checked on the dev split and kept only if it separates well there. Writes concepts.json"
                + " into the bundle and names it in objects.json.";
    }

    @Override
    Options options() {
        Options o = new Options();
        DatasetOptions.add(o);
        o.addOption(featureCacheOption());
        o.addOption(opt("model", "BUNDLE", "bundle whose object classifier gains the detectors (default: models/default)"));
        o.addOption(opt("min-captions", "N", "a training image shows a class when at least N of its captions name it"
                + " (default 2: one caption alone is often a guess)"));
        o.addOption(opt("min-positives", "N", "train a class only with at least N such training images (default 30)"));
        o.addOption(opt("min-auc", "A", "keep a detector only if its ROC AUC on dev is at least A (default 0.9)"));
        o.addOption(flag("regions", "detectors that score each region of the photo's grid and take the most"
                + " telling (multiple-instance learning; needs a --grid cache and a bundle whose decoders attend)"));
        return o;
    }

    @Override
    int run(CommandLine line) throws Exception {
        Path model = model(line);
        int minCaptions = intValue(line, "min-captions", 2, 1, 100);
        int minPositives = intValue(line, "min-positives", 30, 1, Integer.MAX_VALUE);
        double minAuc = doubleValue(line, "min-auc", 0.9, 0, 1);
        Vocabulary vocabulary = Vocabulary.load(model.resolve(ModelBundle.VOCABULARY_FILE));
        Set<String> imagenetSees;
        String encoderSha;
        try {
            imagenetSees = Grounding.imagenetSupport(ObjectClassifier.imagenetWords(model, vocabulary)).keySet();
            encoderSha = ObjectClassifier.encoderSha256(model);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new UsageException("bundle " + model + " has no object classifier (" + ObjectClassifier.FILE + ")");
        }
        FeatureStore store = FeatureStore.openExisting(Path.of(line.getOptionValue("features")));
        if (encoderSha != null && !encoderSha.equalsIgnoreCase(store.identity().sha256())) {
            throw new UsageException("the features in " + store.dir() + " come from " + store.identity().name()
                    + ", not from the encoder of " + model + "'s classifier");
        }
        boolean regions = line.hasOption("regions");
        boolean grids = store.layout().regions() > 1;
        if (regions && !grids) {
            throw new UsageException("--regions needs a feature cache of grids (./captioner features --grid); "
                    + store.dir() + " holds pooled vectors");
        }
        if (regions && !ModelBundle.readInfo(model).decoder().attends()) {
            throw new UsageException("--regions makes detectors that read each photo's grid, and the decoders of "
                    + model + " take pooled features (it could not use them); leave --regions out");
        }
        CaptionDataset dataset = DatasetOptions.open(line);
        Chair chair = Chair.standard();
        int featureSize = store.identity().featureSize();
        SplitData trainSplit = DatasetOptions.split(dataset, Split.TRAIN);
        SplitData devSplit = DatasetOptions.split(dataset, Split.DEV);
        if (regions) {
            checkHeap(trainSplit.images().size() + devSplit.images().size(), store);
        }
        // Pooled detectors read a grid cache's means.
        int poolTo = grids && !regions ? featureSize : 0;
        Labelled train = labelled(trainSplit, store, chair, minCaptions, poolTo);
        Labelled dev = labelled(devSplit, store, chair, 1, poolTo);
        // Adam for the soft maximum over regions; plain gradient descent for the pooled logistic regression.
        ConceptTrainer trainer = regions ? new ConceptTrainer(0.1, 300, 0.01) : new ConceptTrainer();
        List<ConceptDetectors.Detector> kept = new ArrayList<>();
        System.err.printf(Locale.ROOT, "%d training and %d dev images with features; ImageNet already sees %d object classes%n",
                train.features.length, dev.features.length, imagenetSees.size());
        System.err.printf("%-14s %9s %8s  %s%n", "class", "positives", "dev AUC", "");
        for (String objectClass : chair.classes()) {
            if (imagenetSees.contains(objectClass) || objectClass.equals(Chair.NO_OBJECT)) {
                continue;
            }
            boolean[] y = train.labels(objectClass);
            int positives = count(y);
            if (positives < minPositives) {
                continue;
            }
            ConceptDetectors.Detector d = regions ? trainer.fitRegions(objectClass, train.features, featureSize, y)
                    : trainer.fit(objectClass, train.features, y);
            ConceptDetectors one = new ConceptDetectors(new ConceptDetectors.Spec(null, null, List.of(d)));
            float[][] p = one.probabilities(dev.features);
            float[] scores = new float[p.length];
            for (int i = 0; i < p.length; i++) {
                scores[i] = p[i][0];
            }
            double auc = ConceptTrainer.auc(scores, dev.labels(objectClass));
            boolean keep = auc >= minAuc;
            System.err.printf(Locale.ROOT, "%-14s %9d %8.3f  %s%n", objectClass, positives, auc,
                    keep ? "kept" : "dropped (below " + minAuc + ")");
            if (keep) {
                kept.add(new ConceptDetectors.Detector(d.name(), d.positives(), Math.round(auc * 1e4) / 1e4, d.bias(),
                        d.weights(), d.regions()));
            }
        }
        if (kept.isEmpty()) {
            System.err.println("no detector passed; the bundle is unchanged");
            return 1;
        }
        String trainedOn = String.format(Locale.ROOT, "%s train (%d images; a class is shown when >= %d captions name"
                + " it), checked on %s dev (%d images; named by any caption)%s", dataset.name(), train.features.length,
                minCaptions, dataset.name(), dev.features.length,
                regions ? "; each detector scores the " + store.layout().regions() + " regions of a photo's grid" : "");
        ObjectClassifier.attachConcepts(model, new ConceptDetectors(
                new ConceptDetectors.Spec(store.identity().sha256(), trainedOn, kept)));
        System.err.println("wrote " + model.resolve(ConceptDetectors.FILE) + ": " + kept.size() + " detectors");
        return 0;
    }

    /** Grids are held in memory while training (1.75 GB for Flickr8k): say so before an OutOfMemoryError would. */
    private static void checkHeap(long images, FeatureStore store) throws UsageException {
        long needed = images * store.valuesPerImage() * Float.BYTES;
        long max = Runtime.getRuntime().maxMemory();
        if (needed > max * 0.8) {
            throw new UsageException(String.format(Locale.ROOT, "the %d training and dev grids need about %.1f GB of"
                    + " Java heap and this JVM may use %.1f GB: set CAPTIONER_JAVA_OPTS=-Xmx%dg", images, needed / 1e9,
                    max / 1e9, (long) Math.ceil(needed * 1.5 / (1L << 30)) + 1));
        }
    }

    private static int count(boolean[] y) {
        int n = 0;
        for (boolean b : y) {
            n += b ? 1 : 0;
        }
        return n;
    }

    /** Images with features, and how many of each image's captions name each object class. */
    private record Labelled(float[][] features, List<Map<String, Integer>> named, int minCaptions) {
        boolean[] labels(String objectClass) {
            boolean[] y = new boolean[features.length];
            for (int i = 0; i < y.length; i++) {
                y[i] = named.get(i).getOrDefault(objectClass, 0) >= minCaptions;
            }
            return y;
        }
    }

    /** @param poolTo when positive, each grid is replaced by the mean of its regions of this many values */
    private static Labelled labelled(SplitData split, FeatureStore store, Chair chair, int minCaptions, int poolTo)
            throws java.io.IOException {
        List<float[]> features = new ArrayList<>();
        List<Map<String, Integer>> named = new ArrayList<>();
        int missing = 0;
        for (CaptionedImage image : split.images()) {
            float[] f = store.get(image.id());
            if (f == null) {
                missing++;
                continue;
            }
            Map<String, Integer> counts = new HashMap<>();
            for (String caption : image.captions()) {
                chair.classesIn(caption).forEach(c -> counts.merge(c, 1, Integer::sum));
            }
            features.add(poolTo > 0 ? Grids.pooled(new float[][] {f}, poolTo)[0] : f);
            named.add(counts);
        }
        DatasetOptions.reportMissingFeatures(split.split(), missing);
        if (features.isEmpty()) {
            throw new IllegalStateException("no " + split.split().label() + " image has cached features in " + store.dir());
        }
        return new Labelled(features.toArray(float[][]::new), named, minCaptions);
    }
}
