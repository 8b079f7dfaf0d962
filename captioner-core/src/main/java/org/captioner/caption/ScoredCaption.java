package org.captioner.caption;

/** A caption with its total log-probability and the (length-normalised) score it was ranked by. */
public record ScoredCaption(String text, double logProb, double score) {}
