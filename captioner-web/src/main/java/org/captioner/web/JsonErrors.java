package org.captioner.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.util.Map;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.handler.ErrorHandler;

/**
 * Jetty's answers to requests it rejects before any route sees them (a URI too long: 414; headers
 * too large: 431; an unparsable request line: 400) in the API's JSON error shape instead of an
 * HTML page.
 */
final class JsonErrors extends ErrorHandler {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        String message = reason == null || reason.isBlank() ? HttpStatus.getMessage(status) : reason;
        fields.put(HttpHeader.CONTENT_TYPE, "application/json");
        try {
            return ByteBuffer.wrap(JSON.writeValueAsBytes(Map.of("error", message.toLowerCase(java.util.Locale.ROOT))));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
