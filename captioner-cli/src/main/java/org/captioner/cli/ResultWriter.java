package org.captioner.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.Closeable;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
import java.nio.file.Path;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.captioner.caption.CaptionResult;
import org.captioner.caption.CaptionResultJson;
import org.captioner.metrics.CocoCaptionFiles;

/** Writes caption results as text, JSON lines, CSV or COCO results, one image at a time. */
abstract class ResultWriter implements Closeable {

    static final ObjectMapper JSON = new ObjectMapper();

    abstract void write(CaptionResult result) throws IOException;

    /** @param tags add the object tags to text and csv rows (jsonl always carries them) */
    static ResultWriter create(String format, Writer out, boolean tags) throws IOException {
        return switch (format) {
            case "text" -> new Text(out, tags);
            case "jsonl" -> new JsonLines(out);
            case "csv" -> new Csv(out, tags);
            case "coco" -> new Coco(out);
            default -> throw new IllegalArgumentException(format);
        };
    }

    /** "cat 0.99 (tabby), ball 0.12 (tennis ball)". */
    static String tagText(CaptionResult r) {
        return String.join(", ", r.tags().stream().map(t -> String.format(java.util.Locale.ROOT, "%s %.2f (%s)",
                t.word(), t.probability(), t.label())).toList());
    }

    /** {@code path<TAB>caption[<TAB>tags]}; failures go to stderr so stdout stays one caption per line. */
    private static final class Text extends ResultWriter {
        private final Writer out;
        private final boolean tags;

        Text(Writer out, boolean tags) {
            this.out = out;
            this.tags = tags;
        }

        @Override
        void write(CaptionResult r) throws IOException {
            if (r.succeeded()) {
                String name = escape(r.name());
                out.write(name + "\t" + r.best().text() + (tags ? "\t" + tagText(r) : "") + "\n");
                for (int i = 1; i < r.captions().size(); i++) {
                    out.write(name + "\t" + r.captions().get(i).text() + "\n");
                }
                out.flush();
            } else {
                System.err.println("captioner: " + escape(r.name()) + ": " + r.error());
            }
        }

        @Override
        public void close() throws IOException {
            out.flush();
        }
    }

    /**
     * A file name as one text field: backslash, tab, newline and carriage return written as
     * {@code \\ \t \n \r}, so every caption stays one line of two fields whatever the names hold.
     */
    static String escape(String name) {
        StringBuilder sb = new StringBuilder(name.length());
        for (char c : name.toCharArray()) {
            switch (c) {
                case '\\' -> sb.append("\\\\");
                case '\t' -> sb.append("\\t");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

    private static final class JsonLines extends ResultWriter {
        private final Writer out;

        JsonLines(Writer out) {
            this.out = out;
        }

        @Override
        void write(CaptionResult r) throws IOException {
            out.write(JSON.writeValueAsString(CaptionResultJson.of(r)) + "\n");
            out.flush();
        }

        @Override
        public void close() throws IOException {
            out.flush();
        }
    }

    private static final class Csv extends ResultWriter {
        private final CSVPrinter printer;

        private final boolean tags;

        Csv(Writer out, boolean tags) throws IOException {
            this.tags = tags;
            String[] header = tags ? new String[] {"file", "rank", "caption", "score", "log_prob", "error", "tags"}
                    : new String[] {"file", "rank", "caption", "score", "log_prob", "error"};
            printer = new CSVPrinter(out, CSVFormat.DEFAULT.builder().setHeader(header).build());
        }

        @Override
        /** One row per caption (rank 1 is the best; more with --n-best); a failed file is one row with its error. */
        void write(CaptionResult r) throws IOException {
            if (!r.succeeded()) {
                List<Object> row = new ArrayList<>(List.of(r.name(), "", "", "", "", r.error()));
                if (tags) {
                    row.add("");
                }
                printer.printRecord(row);
            }
            for (int i = 0; r.succeeded() && i < r.captions().size(); i++) {
                var c = r.captions().get(i);
                List<Object> row = new ArrayList<>(List.of(r.name(), i + 1, c.text(), c.score(), c.logProb(), ""));
                if (tags) {
                    row.add(i == 0 ? tagText(r) : "");
                }
                printer.printRecord(row);
            }
            printer.flush();
        }

        @Override
        public void close() throws IOException {
            printer.flush();
        }
    }

    /** COCO results {@code [{"image_id", "caption"}]}, streamed; failed images are left out (and reported). */
    private static final class Coco extends ResultWriter {
        private final JsonGenerator json;

        Coco(Writer out) throws IOException {
            json = JSON.getFactory().createGenerator(out);
            json.writeStartArray();
        }

        @Override
        void write(CaptionResult r) throws IOException {
            if (!r.succeeded()) {
                System.err.println("captioner: " + escape(r.name()) + ": " + r.error());
                return;
            }
            CocoCaptionFiles.writeResult(json, r.name(), r.best().text());
        }

        @Override
        public void close() throws IOException {
            json.writeEndArray();
            json.writeRaw('\n');
            json.flush();
        }
    }
}
