package io.auditbridge.core.http;

import java.time.Duration;

/**
 * Told about every answer an {@link HttpReceiver} sends, for metrics. Called on the request's thread after
 * the response; must be cheap and must not throw.
 */
@FunctionalInterface
public interface ResponseObserver {
    ResponseObserver NONE = (path, status, elapsed) -> {};

    /**
     * @param path    the request path (an unknown path is reported as {@code "other"}, keeping metric tags bounded)
     * @param status  the HTTP status sent (or attempted)
     * @param elapsed time from the request's arrival to the response
     */
    void responded(String path, int status, Duration elapsed);
}
