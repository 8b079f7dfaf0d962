package org.captioner.cli;

import ai.djl.ndarray.types.DataType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;
import org.captioner.bundle.BundleInfo;
import org.captioner.bundle.ModelBundle;
import org.captioner.provenance.Provenance;
import org.captioner.text.Vocabulary;

/** {@code ./captioner ensemble}: combines trained bundles into one whose decoders are searched together. */
final class EnsembleCommand extends Command {

    @Override
    String name() {
        return "ensemble";
    }

    @Override
    String arguments() {
        return "BUNDLE [BUNDLE...]";
    }

    @Override
    String summary() {
        return "Combine bundles trained on the same data and encoder (same vocabulary) into one ensemble bundle:"
                + " captions come from the mean of their next-word log-probabilities. Usually better than any"
                + " member; each member adds its decoding cost. With --float16, one bundle is re-stored at half size."
                + " The result keeps each decoder's training record but not the bundles' scores, encoder variants or"
                + " other files (measure and add them with evaluate).";
    }

    @Override
    Options options() {
        Options o = new Options();
        o.addOption(required("out", "DIR", "the new bundle folder"));
        o.addOption(flag("float16", "store the weights as 16-bit floats: half the size on disk, computed in float32"
                + " as before; a caption can change where two words tie to 3 digits (measure with evaluate)"));
        // Scores and encoder variants describe the bundles given, not the result: they start afresh
        // (evaluate --record / --add-encoder), and only bundle.json, the vocabulary and decoders are written.
        return o;
    }

    @Override
    int run(CommandLine line) throws Exception {
        List<Path> bundles = new ArrayList<>();
        for (String a : line.getArgs()) {
            bundles.add(Path.of(a));
        }
        boolean half = line.hasOption("float16");
        // One bundle is allowed for re-storing it at half size (how a single-decoder default ships).
        if (bundles.size() < (half ? 1 : 2)) {
            throw new UsageException("give at least two bundles to combine, or one with --float16 to re-store it at"
                    + " half size");
        }
        Path out = Path.of(line.getOptionValue("out"));
        for (Path b : bundles) {
            // Writing into an input would replace its decoder while it is read, and drop its records.
            if (Files.exists(out) && Files.exists(b) && Files.isSameFile(out, b)) {
                throw new UsageException("--out " + out + " is one of the bundles given; write the result to a new folder");
            }
        }
        // Every bundle is checked before anything is written; the first sets the vocabulary and encoder.
        Vocabulary vocabulary = null;
        List<BundleInfo> infos = new ArrayList<>();
        for (Path b : bundles) {
            BundleInfo info = ModelBundle.readInfo(b);
            if (!info.members().isEmpty()) {
                throw new IllegalArgumentException(b + " is already an ensemble");
            }
            if (infos.isEmpty()) {
                vocabulary = Vocabulary.load(b.resolve(ModelBundle.VOCABULARY_FILE));
            } else {
                BundleInfo first = infos.get(0);
                if (!info.encoder().compatibleWith(first.encoder())) {
                    throw new IllegalArgumentException(b + " was trained on another encoder: "
                            + info.encoder().differences(first.encoder()));
                }
                if (!Vocabulary.load(b.resolve(ModelBundle.VOCABULARY_FILE)).equals(vocabulary)) {
                    throw new IllegalArgumentException(b + " has a different vocabulary from " + bundles.get(0));
                }
                // One encoder call feeds every member: pooled vectors or grids, not both.
                if (info.decoder().attends() != first.decoder().attends()) {
                    throw new IllegalArgumentException(b + (info.decoder().attends() ? " attends to grids" : " takes"
                            + " pooled features") + ", unlike " + bundles.get(0) + "; an ensemble's decoders must be"
                            + " of one kind");
                }
            }
            infos.add(info);
        }
        Files.createDirectories(out);
        Files.copy(bundles.get(0).resolve(ModelBundle.VOCABULARY_FILE), out.resolve(ModelBundle.VOCABULARY_FILE),
                StandardCopyOption.REPLACE_EXISTING);
        List<BundleInfo.EnsembleMember> members = new ArrayList<>();
        for (int i = 0; i < bundles.size(); i++) {
            // The first bundle's decoder is the ensemble's main one; the others are its members.
            String params = i == 0 ? ModelBundle.PARAMS_FILE : "decoder-" + (i + 1) + ".params";
            copyDecoder(bundles.get(i), infos.get(i), out.resolve(params), half);
            if (i > 0) {
                members.add(new BundleInfo.EnsembleMember(params, infos.get(i).decoder(), infos.get(i).provenance()));
            }
        }
        BundleInfo first = infos.get(0);
        Provenance p = first.provenance();
        // Scores of the members do not describe the ensemble: start its metrics afresh.
        Provenance combined = new Provenance(p.dataset(), p.split(), p.trainImages(), p.trainCaptions(), p.settings(),
                p.bestEpoch(), p.trainingSeconds(), p.history(), Map.of(), p.codeVersion(),
                java.time.Instant.now().toString(), p.startedFrom());
        // A member's encoder variants were measured on that member's decoder, and their files are not
        // copied: the ensemble starts without any (evaluate --add-encoder measures it anew).
        // Nor is a caption matcher copied: the ensemble reranks nothing until one is added (and adopted).
        var search = first.search();
        ModelBundle.writeInfo(out, first.withMembers(members).withProvenance(combined).withoutEncoderVariants()
                .withSearch(new org.captioner.bundle.SearchDefaults(search.beam(), search.lengthPenalty(),
                        search.maxLength())));
        System.err.println(bundles.size() == 1 ? "wrote " + bundles.get(0) + " at half size to " + out
                : "wrote an ensemble of " + bundles.size() + " decoders to " + out);
        return 0;
    }

    private static void copyDecoder(Path bundle, BundleInfo info, Path to, boolean half) throws java.io.IOException {
        Path from = bundle.resolve(ModelBundle.PARAMS_FILE);
        if (half) {
            ModelBundle.copyDecoder(from, to, info.decoder(), DataType.FLOAT16);
        } else {
            Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
