package org.captioner.encoder;

/** An encoder that cannot be found or loaded; the message says where it looked and what to set. */
public class EncoderLoadException extends RuntimeException {
    public EncoderLoadException(String message) {
        super(message);
    }

    public EncoderLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
