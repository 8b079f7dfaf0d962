package org.captioner.objects;

/**
 * Something the encoder's ImageNet classifier sees in a photo, named with a caption word.
 *
 * @param word the caption word ("cat"), or the ImageNet label when WordNet relates the class to none
 * @param probability the summed probability of the ImageNet classes behind the word
 * @param label the most probable of those classes ("tabby")
 */
public record ObjectTag(String word, double probability, String label) {}
