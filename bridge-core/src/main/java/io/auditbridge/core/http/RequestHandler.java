package io.auditbridge.core.http;

/**
 * What an {@link HttpReceiver} calls for each authenticated, size-checked and decoded request.
 *
 * <p>Throw {@link BadRequestException} for a body that cannot be used (answered 400 with its one-line reason).
 * Any other exception is answered 500 without its message. The call runs on its own virtual thread and is
 * interrupted when the request timeout passes; a handler that waits (for a delivery, say) should let the
 * interrupt end the wait.
 */
@FunctionalInterface
public interface RequestHandler {
    HandlerResponse handle(ReceivedRequest request) throws BadRequestException, InterruptedException;

    /**
     * A handler's own check of the request headers, made before the body is read: a non-null answer is sent at
     * once and the body is never read. For senders that authenticate with a header of their own (Firehose's
     * {@code X-Amz-Firehose-Access-Key}); compare secrets with {@link Secrets#matches}. {@code header} looks a
     * header up case-insensitively.
     */
    default HandlerResponse answerBeforeBody(java.util.function.Function<String, String> header) {
        return null;
    }

    /** True when {@link #answerBeforeBody} checks a credential, so a receiver without its own credentials is not open. */
    default boolean authenticates() {
        return false;
    }
}
