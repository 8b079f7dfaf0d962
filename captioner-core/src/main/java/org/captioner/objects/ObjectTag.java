package org.captioner.objects;

/**
 * Something the encoder's ImageNet classifier, or one of the bundle's concept detectors, sees in a
 * photo, named with a caption word.
 *
 * @param word the caption word ("cat", "person"), or the ImageNet label when WordNet relates the class to none
 * @param probability the summed probability of the ImageNet classes behind the word, or the detector's
 * @param label the most probable of those classes ("tabby"), or {@link ObjectClassifier#CONCEPT_LABEL}
 */
public record ObjectTag(String word, double probability, String label) {}
