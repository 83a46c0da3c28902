package io.auditbridge.core.http;

import java.time.Duration;

/**
 * Told about every answer an {@link HttpReceiver} sends, for metrics. Called on the request's thread before
 * the response leaves; must be cheap and must not throw.
 */
@FunctionalInterface
public interface ResponseObserver {
    ResponseObserver NONE = (path, status, elapsed) -> {};

    /** Counter of refused requests, tagged {@code reason} (a fixed set: see {@link HttpReceiver}). */
    String REJECTED_METRIC = "auditbridge.requests.rejected";

    /**
     * @param path    the request path (an unknown path is reported as {@code "other"}, keeping metric tags bounded)
     * @param status  the HTTP status sent (or attempted)
     * @param elapsed time from the request's arrival to the response
     */
    void responded(String path, int status, Duration elapsed);

    /**
     * A request answered 4xx or 503, with one of a fixed set of reasons ({@code not_found}, {@code method},
     * {@code unauthorized}, {@code unsupported_media_type}, {@code unsupported_encoding}, {@code length_required},
     * {@code bad_length}, {@code empty_body}, {@code too_large}, {@code malformed}, {@code busy}, {@code timeout},
     * {@code unavailable}, {@code other_4xx}); counted as {@link #REJECTED_METRIC}.
     */
    default void rejected(String path, String reason) {}
}
