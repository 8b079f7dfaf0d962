package org.captioner.image;

/** An input that is not a usable image; the message is the reason, fit to show a user. */
public class ImageReadException extends Exception {
    /** Why it failed, for callers that map reasons to codes (HTTP 413/415/422). */
    public enum Kind { EMPTY, NOT_AN_IMAGE, TOO_LARGE, CORRUPT, UNREADABLE }

    private final Kind kind;

    public ImageReadException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public ImageReadException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
