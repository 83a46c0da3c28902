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
}
