package org.captioner.text;

import java.util.List;

/**
 * "a" or "an" by the sound of the next word, as far as its spelling tells: the decoder writes
 * "a elephant" where its training captions seldom named one, and a filled place ({@code Grounding})
 * can put a new word after an old article.
 */
public final class Articles {

    /** Vowel-letter words said with a consonant ("a unicycle", "a one", "a European"). */
    private static final List<String> CONSONANT_SOUND = List.of("uni", "use", "usu", "ure", "uti", "one", "once", "eu", "ewe");

    private Articles() {}

    /** Whether {@code word} takes "an". */
    public static boolean takesAn(String word) {
        if (word.isEmpty() || "aeiou".indexOf(word.charAt(0)) < 0) {
            return false;
        }
        return CONSONANT_SOUND.stream().noneMatch(word::startsWith);
    }

    /** {@code words} with each "a"/"an" agreeing with the word after it (a new array where one changes). */
    public static int[] agree(int[] words, Vocabulary vocabulary) {
        int[] out = words;
        for (int k = 0; k + 1 < words.length; k++) {
            String article = vocabulary.word(words[k]);
            if (!article.equals("a") && !article.equals("an")) {
                continue;
            }
            String wanted = takesAn(vocabulary.word(words[k + 1])) ? "an" : "a";
            if (!wanted.equals(article) && vocabulary.id(wanted) != Vocabulary.UNK_ID) {
                if (out == words) {
                    out = words.clone();
                }
                out[k] = vocabulary.id(wanted);
            }
        }
        return out;
    }
}
