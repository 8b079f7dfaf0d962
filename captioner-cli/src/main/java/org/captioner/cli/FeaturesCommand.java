package org.captioner.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;
import org.captioner.data.CaptionDataset;
import org.captioner.data.CaptionedImage;
import org.captioner.data.Split;
import org.captioner.data.SplitData;
import org.captioner.encoder.EncoderSource;
import org.captioner.encoder.ImageEncoder;
import org.captioner.encoder.Preprocessing;
import org.captioner.features.FeatureExtractor;
import org.captioner.features.FeatureStore;
import org.captioner.image.PhotoReader;

/** {@code ./captioner features}: runs the encoder once over a dataset and caches the vectors. */
final class FeaturesCommand extends Command {

    @Override
    String name() {
        return "features";
    }

    @Override
    String summary() {
        return "Extract image features for a dataset once, into a cache that training and evaluation reuse."
                + " Interrupt it any time: a re-run continues where it stopped.";
    }

    @Override
    Options options() {
        Options o = new Options();
        DatasetOptions.add(o);
        o.addOption(required("encoder", "PATH|URL|ZOO-ID",
                "the CNN: a TorchScript file (e.g. ../shared/models/encoders/mobilenet_v2_features.pt),"
                        + " a URL, or a DJL zoo id such as djl://ai.djl.pytorch/resnet18_embedding"));
        o.addOption(required("out", "DIR", "feature cache folder (one sub-folder per encoder identity)"));
        o.addOption(opt("preprocess", "MODE",
                "crop (shorter side 256, centre crop 224; the ImageNet default) or squash (plain 224x224"
                        + " resize; use it for the shared 224x224 Flickr8k copy). Default: crop"));
        o.addOption(opt("splits", "LIST", "comma-separated splits to extract (default train,dev,test)"));
        o.addOption(opt("batch-size", "N", "images per encoder call (default 8; bigger is not always faster)"));
        o.addOption(flag("grid", "store the encoder's whole spatial grid (7x7 regions of 1,280 values for MobileNetV2,"
                + " float16, about 125 KB an image) instead of its mean, for decoders that attend to regions; its own"
                + " sub-folder"));
        o.addOption(flag("flip", "also store each image's left-right mirror image, for training augmentation"));
        return o;
    }

    @Override
    int run(CommandLine line) throws Exception {
        CaptionDataset dataset = DatasetOptions.open(line);
        Preprocessing preprocessing;
        try {
            preprocessing = Preprocessing.parse(line.getOptionValue("preprocess", "crop"));
        } catch (IllegalArgumentException e) {
            throw new UsageException("--preprocess: " + e.getMessage());
        }
        int batch = intValue(line, "batch-size", 8, 1, 1024);
        List<CaptionedImage> images = new ArrayList<>();
        for (String s : line.getOptionValue("splits", "train,dev,test").split(",")) {
            Split split;
            try {
                split = Split.parse(s.strip());
            } catch (IllegalArgumentException e) {
                throw new UsageException("--splits: " + e.getMessage());
            }
            SplitData data = DatasetOptions.split(dataset, split);
            images.addAll(data.images());
        }
        try (ImageEncoder encoder = ImageEncoder.load(EncoderSource.parse(line.getOptionValue("encoder")), preprocessing)) {
            FeatureStore.Layout layout = line.hasOption("grid") ? FeatureStore.Layout.grid(encoder.gridRegions())
                    : FeatureStore.Layout.POOLED;
            FeatureStore store = FeatureStore.open(Path.of(line.getOptionValue("out")), encoder.identity(), layout);
            System.err.printf("encoder %s: %d-d features%s, %s%n", encoder.identity().name(), encoder.featureSize(),
                    layout.regions() > 1 ? " x " + layout.regions() + " regions" : "", preprocessing.describe());
            FeatureExtractor.Report report = new FeatureExtractor(encoder, new PhotoReader(), batch,
                    line.hasOption("flip")).extract(images, store, new Bars("img"));
            System.err.printf(Locale.ROOT, "%d images encoded in %.1f s (%.1f images/s), %d already cached, %d failed%n",
                    report.encoded(), report.seconds(), report.imagesPerSecond(), report.alreadyStored(),
                    report.failed().size());
            report.failed().forEach(f -> System.err.println("failed: " + f));
            System.out.println(store.dir());
            return report.failed().isEmpty() ? 0 : 1;
        }
    }
}
