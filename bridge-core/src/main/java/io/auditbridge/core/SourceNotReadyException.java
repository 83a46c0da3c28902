package io.auditbridge.core;

import java.time.Duration;

/**
 * A fetch was refused in a way only a person can fix outside the bridge: missing permission
 * (PERMISSION_DENIED, AccessDeniedException), a resource that does not exist yet (a log group before audit
 * logging is enabled). The bridge keeps polling with its backoff (each failure logged as an error), {@code /readyz} answers 503 with this
 * message, and nothing exits: granting the role or enabling the logs heals the running bridge.
 */
public class SourceNotReadyException extends TransientSourceException {
    public SourceNotReadyException(String message, Throwable cause) {
        super(message, cause);
    }

    public SourceNotReadyException(String message, Throwable cause, Duration retryAfter) {
        super(message, cause, retryAfter);
    }
}
