package org.captioner.report;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;
import org.captioner.encoder.Preprocessing;
import org.captioner.eval.EvaluationResult;
import org.captioner.eval.ImageEvaluation;
import org.captioner.image.ImageReadException;
import org.captioner.image.PhotoReader;

/**
 * A self-contained page of an evaluation: the metric table, then one card per image with its
 * thumbnail, generated caption, references and CIDEr-D, sortable best-first or worst-first.
 * Thumbnails are written beside it in {@code thumbs/}; no external assets.
 */
public final class HtmlReport {

    private static final int THUMB = 200;

    /** The map-drawing script (attention.js beside this class), for the report and the upload page. */
    public static String attentionScript() {
        try (var in = HtmlReport.class.getResourceAsStream("attention.js")) {
            if (in == null) {
                throw new IllegalStateException("attention.js is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }


    private HtmlReport() {}

    private static boolean anyMaps(EvaluationResult result) {
        return result.images().stream().anyMatch(e -> e.attention() != null);
    }

    public static void write(Path outDir, EvaluationResult result, String modelName) throws IOException {
        write(outDir, result, modelName, null);
    }

    /**
     * @param preprocessing how the encoder saw each photo (which part of it an attention grid
     *     covers); null: the whole photo
     */
    public static void write(Path outDir, EvaluationResult result, String modelName, Preprocessing preprocessing)
            throws IOException {
        write(outDir, result, modelName, preprocessing, result.split() + " split");
    }

    /** As {@link #write(Path, EvaluationResult, String, Preprocessing)}, the split named {@code splitName} ("test split"). */
    public static void write(Path outDir, EvaluationResult result, String modelName, Preprocessing preprocessing,
            String splitName) throws IOException {
        Path thumbs = outDir.resolve("thumbs");
        Files.createDirectories(thumbs);
        PhotoReader reader = new PhotoReader();
        StringBuilder cards = new StringBuilder();
        Map<String, List<String>> hallucinated = result.scores().chair().hallucinatedPerImage();
        int index = 0;
        for (ImageEvaluation e : result.images()) {
            String thumbName = String.format("%05d.jpg", index++);
            int[] size = thumbnail(reader, e.image(), thumbs.resolve(thumbName));
            double cider = Double.isNaN(e.cider()) ? -1 : e.cider();
            boolean maps = size != null && e.caption() != null && !e.caption().isEmpty() && e.attention() != null;
            cards.append("<figure class=\"card\" data-cider=\"").append(String.format(Locale.ROOT, "%.6f", cider))
                    .append("\"");
            if (maps) {
                cards.append(" data-alpha=\"").append(alphaJson(e.attention())).append("\" data-seen=\"")
                        .append(seenFraction(preprocessing, size[0], size[1])).append("\"");
            }
            cards.append(">\n");
            if (size != null) {
                cards.append(maps ? "  <div class=\"photo\"><img src=\"thumbs/" : "  <img src=\"thumbs/").append(thumbName)
                        .append("\" alt=\"").append(escape(e.id())).append("\" loading=\"lazy\">")
                        .append(maps ? "<canvas class=\"map\"></canvas></div>\n" : "\n");
            } else {
                cards.append("  <div class=\"noimg\">no thumbnail</div>\n");
            }
            cards.append("  <figcaption>\n    <p class=\"gen\">")
                    .append(e.caption() == null ? "<em>" + escape(String.valueOf(e.error())) + "</em>"
                            : maps ? wordSpans(e.caption()) : escape(e.caption()))
                    .append("</p>\n    <p class=\"score\">CIDEr-D ")
                    .append(Double.isNaN(e.cider()) ? "–" : String.format(Locale.ROOT, "%.3f", e.cider()))
                    .append(" · ").append(escape(e.id())).append("</p>\n");
            List<String> named = hallucinated.getOrDefault(e.id(), List.of());
            if (!named.isEmpty()) {
                // Objects the caption names that no reference does (CHAIR): where it is not true to the photo.
                cards.append("    <p class=\"halluc\">not in the references: ").append(escape(String.join(", ", named)))
                        .append("</p>\n");
            }
            cards.append("    <ol class=\"refs\">\n");
            for (String r : e.references()) {
                cards.append("      <li>").append(escape(r)).append("</li>\n");
            }
            cards.append("    </ol>\n  </figcaption>\n</figure>\n");
        }
        StringBuilder table = new StringBuilder("<table class=\"metrics\"><tr>");
        Map<String, Double> metrics = result.scores().asMap();
        metrics.keySet().forEach(k -> table.append("<th>").append(k).append("</th>"));
        table.append("</tr><tr>");
        metrics.values().forEach(v -> table.append(String.format(Locale.ROOT, "<td>%.4f</td>", v)));
        table.append("</tr></table>");
        String html = """
                <!DOCTYPE html>
                <html lang="en">
                <head>
                <meta charset="utf-8">
                <title>captioner evaluation: %s, %s</title>
                <style>
                body { font-family: system-ui, sans-serif; margin: 1.5rem; color: #222; background: #fafafa; }
                h1 { font-size: 1.4rem; margin-bottom: .2rem; }
                .meta { color: #666; margin-top: 0; }
                table.metrics { border-collapse: collapse; margin: 1rem 0; }
                table.metrics th, table.metrics td { border: 1px solid #ccc; padding: .3rem .8rem; text-align: right; }
                .controls button { margin-right: .5rem; padding: .3rem .8rem; }
                #grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(260px, 1fr)); gap: 1rem; margin-top: 1rem; }
                .card { background: #fff; border: 1px solid #ddd; border-radius: 6px; margin: 0; padding: .6rem; }
                .card img { width: 100%%; height: auto; border-radius: 4px; }
                .noimg { height: 120px; display: flex; align-items: center; justify-content: center; background: #eee; }
                .gen { font-weight: 600; margin: .4rem 0 .2rem; }
                .score { color: #666; font-size: .85rem; margin: 0; }
                .refs { font-size: .85rem; color: #444; padding-left: 1.2rem; margin: .3rem 0 0; }
                .halluc { color: #b02a2a; font-size: .85rem; margin: .2rem 0 0; }
                .photo { position: relative; }
                .photo img { display: block; }
                .photo canvas.map { position: absolute; left: 0; top: 0; width: 100%%; height: 100%%; pointer-events: none; }
                .w { cursor: pointer; border-bottom: 1px dotted #999; }
                .w.on { background: #ffe08a; }
                </style>
                </head>
                <body>
                <h1>%s — %s, beam %d</h1>
                <p class="meta">model %s · %d images · %.1f s · COCO caption metrics (PTB tokenisation; METEOR and SPICE not computed); CHAIR object hallucination against the references; distinct captions</p>
                %s
                %s
                <div class="controls">Sort by CIDEr-D:
                <button type="button" id="best">best first</button><button type="button" id="worst">worst first</button></div>
                <div id="grid">
                %s</div>
                <script>
                function sortCards(desc) {
                  const grid = document.getElementById('grid');
                  const cards = Array.from(grid.children);
                  cards.sort((a, b) => (desc ? -1 : 1) * (parseFloat(a.dataset.cider) - parseFloat(b.dataset.cider)));
                  cards.forEach(c => grid.appendChild(c));
                }
                document.getElementById('best').addEventListener('click', () => sortCards(true));
                document.getElementById('worst').addEventListener('click', () => sortCards(false));
                sortCards(true);
                %s
                </script>
                </body>
                </html>
                """.formatted(escape(result.dataset()), escape(splitName), escape(result.dataset()),
                escape(splitName), result.beam(), escape(modelName), result.images().size(), result.seconds(),
                table, anyMaps(result) ? "<p class=\"meta\">Point at (or tab to) a word of a caption to see where the"
                        + " decoder looked when it wrote it.</p>" : "", cards, anyMaps(result) ? attentionScript() : "");
        Files.writeString(outDir.resolve("report.html"), html, StandardCharsets.UTF_8);
    }

    /** Writes the thumbnail; the photo's width and height, or null when it cannot be read. */
    private static int[] thumbnail(PhotoReader reader, Path image, Path target) throws IOException {
        if (Files.exists(target)) {
            Files.delete(target);
        }
        BufferedImage src;
        try {
            src = reader.read(image);
        } catch (ImageReadException e) {
            return null;
        }
        double scale = (double) THUMB / Math.max(src.getWidth(), src.getHeight());
        int w = Math.max(1, (int) Math.round(src.getWidth() * Math.min(1, scale)));
        int h = Math.max(1, (int) Math.round(src.getHeight() * Math.min(1, scale)));
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(src, 0, 0, w, h, null);
        g.dispose();
        return ImageIO.write(out, "jpg", target.toFile()) ? new int[] {src.getWidth(), src.getHeight()} : null;
    }

    /** The caption's words as spans a reader can point at to see that word's attention map. */
    private static String wordSpans(String caption) {
        StringBuilder sb = new StringBuilder();
        String[] words = caption.split(" ");
        for (int k = 0; k < words.length; k++) {
            sb.append(k == 0 ? "" : " ").append("<span class=\"w\" tabindex=\"0\" data-k=\"").append(k).append("\">")
                    .append(escape(words[k])).append("</span>");
        }
        return sb.toString();
    }

    /** α per word as a JSON array of arrays, 3 decimals: a few KB per image. */
    static String alphaJson(float[][] alphas) {
        StringBuilder sb = new StringBuilder("[");
        for (int k = 0; k < alphas.length; k++) {
            sb.append(k == 0 ? "[" : ",[");
            for (int r = 0; r < alphas[k].length; r++) {
                sb.append(r == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.3f", alphas[k][r]));
            }
            sb.append(']');
        }
        return sb.append(']').toString();
    }

    /** The part of the photo the grid covers, as fractions x,y,w,h of its width and height. */
    private static String seenFraction(Preprocessing preprocessing, int width, int height) {
        if (preprocessing == null) {
            return "0,0,1,1";
        }
        Rectangle2D seen = preprocessing.seenRegion(width, height);
        return String.format(Locale.ROOT, "%.4f,%.4f,%.4f,%.4f", seen.getX() / width, seen.getY() / height,
                seen.getWidth() / width, seen.getHeight() / height);
    }

    static String escape(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

}
