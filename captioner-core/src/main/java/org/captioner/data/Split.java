package org.captioner.data;

import java.util.Locale;

/** A dataset partition. Karpathy's "val" and Flickr's "dev" are the same thing. */
public enum Split {
    TRAIN,
    DEV,
    TEST;

    /** Parses train, dev/val/validation, test (any case). */
    public static Split parse(String name) {
        switch (name.toLowerCase(Locale.ROOT)) {
            case "train":
                return TRAIN;
            case "dev":
            case "val":
            case "valid":
            case "validation":
                return DEV;
            case "test":
                return TEST;
            default:
                throw new IllegalArgumentException(
                        "unknown split '" + name + "' (expected train, dev or test)");
        }
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
