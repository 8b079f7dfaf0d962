package org.captioner.text;

import java.util.List;

/**
 * "a" or "an" by the sound of the next word, as far as its spelling tells: the decoder writes
 * "a elephant" where its training captions seldom named one, and a filled place ({@code Grounding})
 * can put a new word after an old article. And none before a last word people end a caption on
 * bare ({@link #dropBeforeBareEnding}: "playing tennis", not "playing a tennis").
 */
public final class Articles {

    /** Vowel-letter words said with a consonant ("a unicycle", "a one", "a European"). */
    private static final List<String> CONSONANT_SOUND = List.of("unic", "unif", "uniq", "unit", "univ", "use", "usu",
            "ure", "uti", "one", "once", "eu", "ewe");

    /** Consonant-letter words said with a vowel ("an hour", "an honest man"). */
    private static final List<String> VOWEL_SOUND = List.of("hour", "honest", "honor", "honour", "heir");

    /**
     * Words a caption ends on without "a" or "an" ("playing tennis", "on dirt"), as {@code
     * scripts/article_endings.py} derived them from Flickr8k's training captions (resource {@code
     * bare-endings.txt}).
     */
    private static final java.util.Set<String> BARE_ENDINGS = java.util.Set.copyOf(WordList.load("bare-endings.txt"));

    /**
     * An article and a word no caption ends on ("a blue", "the player"; "a" stands for "a" and "an"), as
     * {@code scripts/article_endings.py} derived them from Flickr8k's training captions (resource
     * {@code dangling-words.txt}, one "ARTICLE WORD" a line).
     */
    private static final List<String> DANGLING = WordList.load("dangling-words.txt");

    private Articles() {}

    /** Whether {@code word} takes "an". */
    public static boolean takesAn(String word) {
        if (word.isEmpty()) {
            return false;
        }
        if (Character.isDigit(word.charAt(0))) {
            // "an 8", "an 80-year-old", "an 11", "an 18-year-old"; "a 110", "a 1", "a 2".
            String number = word.split("[^0-9]", 2)[0];
            return number.startsWith("8") || number.equals("11") || number.equals("18");
        }
        if ("aeiou".indexOf(word.charAt(0)) < 0) {
            return VOWEL_SOUND.stream().anyMatch(word::startsWith);
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

    /**
     * The {@code DANGLING} pairs as {@code vocabulary}'s ids, {@code {article, word}}: a caption that
     * ends on one ends mid-phrase ("a little girl is sitting on a blue and a blue"). Each of those
     * articles also pairs with "and", which joins the modifiers of a phrase that may still dangle ("on a
     * red and white": {@code SearchSettings#mayEnd}). Pairs of words the vocabulary lacks are left out.
     */
    public static List<int[]> danglingPairs(Vocabulary vocabulary) {
        List<int[]> out = new java.util.ArrayList<>();
        java.util.Set<Integer> articles = new java.util.TreeSet<>();
        for (String line : DANGLING) {
            String[] pair = line.split(" ");
            int word = vocabulary.id(pair[1]);
            for (String article : pair[0].equals("a") ? List.of("a", "an") : List.of(pair[0])) {
                int a = vocabulary.id(article);
                if (a != Vocabulary.UNK_ID && word != Vocabulary.UNK_ID) {
                    out.add(new int[] {a, word});
                    articles.add(a);
                }
            }
        }
        int and = vocabulary.id("and");
        if (and != Vocabulary.UNK_ID) {
            articles.forEach(a -> out.add(new int[] {a, and}));
        }
        return out;
    }

    /**
     * {@code words} without the "a" or "an" before its last word where people end a caption on that
     * word without one: a search steered to name a thing reaches it through an article the decoder
     * had already written ("a man is playing a tennis", "running on a dirt"). The same array where
     * nothing is dropped; otherwise one word shorter, the article's position being {@code length - 2}.
     */
    public static int[] dropBeforeBareEnding(int[] words, Vocabulary vocabulary) {
        int n = words.length;
        if (n < 3 || !BARE_ENDINGS.contains(vocabulary.word(words[n - 1]))) {
            return words;
        }
        String article = vocabulary.word(words[n - 2]);
        if (!article.equals("a") && !article.equals("an")) {
            return words;
        }
        int[] out = java.util.Arrays.copyOf(words, n - 1);
        out[n - 2] = words[n - 1];
        return out;
    }
}
