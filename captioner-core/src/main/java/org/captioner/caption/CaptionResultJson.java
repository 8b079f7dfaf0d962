package org.captioner.caption;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.captioner.objects.ObjectTag;

/**
 * The one JSON shape of a caption result, shared by the CLI's jsonl output and the web API:
 * {@code file}, {@code caption}, {@code score}, {@code log_prob}, {@code alternatives} (when more
 * than one caption was asked for), {@code match} (each, where the captions were reranked: the caption
 * matcher's cosine, by which they may be in another order than their scores'), {@code tags} (what the encoder's ImageNet classifier and the concept detectors see:
 * {@code word}, {@code probability}, {@code label}), {@code attention} when an attending decoder
 * was asked where it looked ({@code grid}: the square grid's side; {@code words}: each word with
 * its α over the grid's cells, row-major, 4 decimals) and {@code error} when the image failed.
 */
public final class CaptionResultJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private CaptionResultJson() {}

    public static ObjectNode of(CaptionResult r) {
        ObjectNode o = JSON.createObjectNode();
        o.put("file", r.name());
        if (r.succeeded()) {
            ScoredCaption best = r.best();
            o.put("caption", best.text());
            o.put("score", best.score());
            o.put("log_prob", best.logProb());
            if (best.match() != null) {
                o.put("match", round4(best.match()));
            }
            if (r.captions().size() > 1) {
                ArrayNode alts = o.putArray("alternatives");
                for (ScoredCaption c : r.captions()) {
                    ObjectNode alt = alts.addObject().put("caption", c.text()).put("score", c.score())
                            .put("log_prob", c.logProb());
                    if (c.match() != null) {
                        alt.put("match", round4(c.match()));
                    }
                }
            }
            if (best.attention() != null) {
                o.set("attention", attention(best));
            }
            if (!r.tags().isEmpty()) {
                ArrayNode tags = o.putArray("tags");
                for (ObjectTag t : r.tags()) {
                    tags.addObject().put("word", t.word()).put("probability", t.probability()).put("label", t.label());
                }
            }
        } else {
            o.putNull("caption");
            o.put("error", r.error());
        }
        return o;
    }

    private static ObjectNode attention(ScoredCaption caption) {
        float[][] alphas = caption.attention();
        String[] words = caption.text().isEmpty() ? new String[0] : caption.text().split(" ");
        ObjectNode o = JSON.createObjectNode();
        o.put("grid", alphas.length == 0 ? 0 : (int) Math.round(Math.sqrt(alphas[0].length)));
        ArrayNode list = o.putArray("words");
        for (int k = 0; k < alphas.length; k++) {
            ObjectNode w = list.addObject();
            w.put("word", k < words.length ? words[k] : "");
            ArrayNode alpha = w.putArray("alpha");
            for (float a : alphas[k]) {
                alpha.add(round4(a));
            }
        }
        return o;
    }

    /**
     * To 4 decimals, as α and a caption's {@code match} are written (here and in Spark's rows): a float's
     * widening would print 0.30000001192092896.
     */
    public static double round4(double x) {
        return Math.round(x * 1e4) / 1e4;
    }
}
