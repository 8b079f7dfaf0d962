package org.captioner.text;

import java.util.List;

/**
 * The words that say what a caption's subject does: "is", "are", the words that follow them at
 * least a fifth of the time in Flickr8k's training captions ("running", "sitting", "parked"), and
 * the simple present forms of those ending -ing that follow a person or an animal ("runs", "sits"),
 * as {@code scripts/caption_verbs.py} derived them (resource {@code verbs.txt}). A caption that has
 * written one of them has passed its subject.
 */
public final class Verbs {

    private static final List<String> WORDS = WordList.load("verbs.txt");

    private Verbs() {}

    /** The words, most frequent first. */
    public static List<String> words() {
        return WORDS;
    }

    /** The ids of those of the words that {@code vocabulary} knows, ascending. */
    public static int[] ids(Vocabulary vocabulary) {
        return WORDS.stream().mapToInt(vocabulary::id).filter(id -> id != Vocabulary.UNK_ID).sorted().distinct()
                .toArray();
    }
}
