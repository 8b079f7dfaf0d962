package org.captioner.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;
import org.captioner.data.CaptionDataset;
import org.captioner.data.DatasetFormat;
import org.captioner.data.SplitData;
import org.captioner.data.Split;

/** The --dataset / --data-dir / --images options shared by features, train and evaluate. */
final class DatasetOptions {
    private DatasetOptions() {}

    static void add(Options options) {
        options.addOption(Command.required("dataset", "FORMAT",
                "flickr8k, flickr30k, karpathy (a dataset_*.json in --data-dir) or coco"));
        options.addOption(Command.required("data-dir", "DIR",
                "the dataset folder, e.g. ../shared/datasets/flickr8k"));
        options.addOption(Command.opt("images", "DIR", "image folder if not the layout's usual one"));
    }

    static CaptionDataset open(CommandLine line) throws UsageException, IOException {
        DatasetFormat format;
        try {
            format = DatasetFormat.parse(line.getOptionValue("dataset"));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        return format.open(Path.of(line.getOptionValue("data-dir")), Command.path(line, "images"));
    }

    /** Says in one line how many of a split's images have no features in the cache, if any. */
    static void reportMissingFeatures(Split split, int missing) {
        if (missing > 0) {
            System.err.printf("%s: %d images have no cached features (run ./captioner features --splits %s)%n",
                    split.label(), missing, split.label());
        }
    }

    /** Reads a split and reports missing image files once, in one line. */
    static SplitData split(CaptionDataset dataset, Split split) throws IOException {
        SplitData data = dataset.split(split);
        if (!data.missing().isEmpty()) {
            System.err.printf("%s %s: %d listed images have no file (skipped): %s%s%n", dataset.name(), split.label(),
                    data.missing().size(), String.join(", ", data.missing().subList(0, Math.min(5, data.missing().size()))),
                    data.missing().size() > 5 ? ", ..." : "");
        }
        return data;
    }
}
