package io.auditbridge.core;

/** A fetch failed in a way that passes (throttling, quota, unavailability): back off and poll again, never exit. */
public class TransientSourceException extends Exception {
    private final java.time.Duration retryAfter;

    public TransientSourceException(String message, Throwable cause) {
        this(message, cause, null);
    }

    public TransientSourceException(String message, Throwable cause, java.time.Duration retryAfter) {
        super(message, cause);
        this.retryAfter = retryAfter;
    }

    /** A wait the provider asked for, or null. */
    public java.time.Duration retryAfter() {
        return retryAfter;
    }
}
