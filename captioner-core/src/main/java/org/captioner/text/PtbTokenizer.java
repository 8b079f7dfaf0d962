package org.captioner.text;

import edu.stanford.nlp.ling.CoreLabel;
import edu.stanford.nlp.process.CoreLabelTokenFactory;
import edu.stanford.nlp.process.PTBTokenizer;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Tokenises captions exactly as the COCO caption evaluation does: Stanford's PTBTokenizer
 * ({@code -preserveLines -lowerCase}), then punctuation tokens dropped. Training, decoding and scoring
 * all use this one class, so the vocabulary a model learns is the one its scores are computed on.
 */
public final class PtbTokenizer {

    /** The tokens the COCO evaluation code removes after PTB tokenisation. */
    public static final Set<String> PUNCTUATION =
            Set.of("''", "'", "``", "`", "-LRB-", "-RRB-", "-LCB-", "-RCB-", ".", "?", "!", ",", ":",
                    "-", "--", "...", ";");

    /**
     * CoreNLP 4.x splits hyphenated words by default; the 3.4.1 jar the COCO code ships did not.
     * British spellings are kept (americanize=false): with these options the scores of
     * ../shared/eval match the COCO code to 1e-6, and with americanising they do not.
     */
    private static final String OPTIONS =
            "ptb3Escaping=true,americanize=false,splitHyphenated=false,splitForwardSlash=false,"
                    + "untokenizable=noneKeep";

    private static final PtbTokenizer INSTANCE = new PtbTokenizer();

    private PtbTokenizer() {}

    /** The shared, stateless tokenizer. */
    public static PtbTokenizer get() {
        return INSTANCE;
    }

    /** Lower-cased PTB tokens of {@code text} with punctuation removed; empty for blank text. */
    public List<String> tokenize(String text) {
        // -preserveLines: a caption is one line, so any newline inside it is just a space.
        String line = text.replace('\n', ' ').replace('\r', ' ');
        PTBTokenizer<CoreLabel> tokenizer =
                new PTBTokenizer<>(new StringReader(line), new CoreLabelTokenFactory(), OPTIONS);
        List<String> tokens = new ArrayList<>();
        while (tokenizer.hasNext()) {
            String word = tokenizer.next().word();
            // PTBTokenizer's -lowerCase lower-cases with the English locale after escaping, so the
            // escaped brackets (-LRB-) are lower-cased too and then are no longer punctuation.
            String lower = word.toLowerCase(Locale.ENGLISH);
            if (!PUNCTUATION.contains(lower)) {
                tokens.add(lower);
            }
        }
        return tokens;
    }

    /** The tokens joined by single spaces, as the COCO code hands them to its scorers. */
    public String normalize(String text) {
        return String.join(" ", tokenize(text));
    }
}
