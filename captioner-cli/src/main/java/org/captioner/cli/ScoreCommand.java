package org.captioner.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;
import org.captioner.metrics.CaptionScorer;
import org.captioner.metrics.CaptionScores;
import org.captioner.metrics.ChairScores;
import org.captioner.metrics.CocoCaptionFiles;

/** {@code ./captioner score}: COCO caption metrics for a results file against references. */
final class ScoreCommand extends Command {

    @Override
    String name() {
        return "score";
    }

    @Override
    String summary() {
        return "Score captions against references as the COCO caption evaluation does (PTB tokenisation;"
                + " BLEU-1..4, ROUGE-L, CIDEr-D), object hallucination (CHAIR) and the share of distinct"
                + " captions. No model needed. METEOR and SPICE are not computed.";
    }

    @Override
    Options options() {
        Options o = new Options();
        o.addOption(required("annotations", "REFS.json", "COCO references: {\"annotations\":[{\"image_id\",\"caption\"}]}"));
        o.addOption(required("results", "RESULTS.json", "COCO results: [{\"image_id\",\"caption\"}]"));
        o.addOption(opt("format", "table|json", "table (default) or one JSON object with Bleu_1..4, ROUGE_L, CIDEr, CHAIRs, CHAIRi, distinct"));
        return o;
    }

    @Override
    int run(CommandLine line) throws Exception {
        String format = choice(line, "format", "table", "table", "json");
        Map<String, List<String>> refs = CocoCaptionFiles.readReferences(Path.of(line.getOptionValue("annotations")));
        Map<String, String> results = CocoCaptionFiles.readResults(Path.of(line.getOptionValue("results")));
        List<String> unknown = results.keySet().stream().filter(id -> !refs.containsKey(id)).toList();
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException(unknown.size() + " result image ids have no references, e.g. "
                    + String.join(", ", unknown.subList(0, Math.min(5, unknown.size()))));
        }
        CaptionScores scores = new CaptionScorer().score(refs, results);
        if (format.equals("json")) {
            System.out.println(new ObjectMapper().writeValueAsString(scores.asMap()));
        } else {
            System.out.println(table(scores, results.size()));
        }
        return 0;
    }

    static String table(CaptionScores scores, int images) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-8s %8s   (%d images)%n", "metric", "score", images));
        scores.asMap().forEach((k, v) -> sb.append(String.format(Locale.ROOT, "%-8s %8.4f%n", k, v)));
        ChairScores chair = scores.chair();
        sb.append(String.format(Locale.ROOT, "objects: %d of %d captions name a class no reference names (CHAIRs);"
                + " %d of %d mentions are hallucinated (CHAIRi)%n", chair.captionsWithHallucination(), chair.captions(),
                chair.hallucinated(), chair.mentioned()));
        if (!chair.hallucinationsByClass().isEmpty()) {
            sb.append("most hallucinated: ");
            sb.append(String.join(", ", chair.mostHallucinated(8).entrySet().stream()
                    .map(e -> e.getKey() + " " + e.getValue()).toList()));
        }
        return sb.toString().stripTrailing();
    }
}
