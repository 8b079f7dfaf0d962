package org.captioner.web;

/** A request that fails as a whole, with its HTTP status and a message for the JSON body. */
final class ApiError extends RuntimeException {
    final int status;

    ApiError(int status, String message) {
        super(message);
        this.status = status;
    }
}
