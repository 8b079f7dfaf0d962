package org.captioner.cli;

/** A bad command line: printed as one line, exit status 2. */
final class UsageException extends Exception {
    UsageException(String message) {
        super(message);
    }
}
