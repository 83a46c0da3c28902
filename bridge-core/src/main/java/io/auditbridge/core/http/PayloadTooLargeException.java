package io.auditbridge.core.http;

/** What one request would become is beyond the receiver's limits: answered 413 with the one-line reason. */
public class PayloadTooLargeException extends BadRequestException {
    public PayloadTooLargeException(String reason) {
        super(reason);
    }
}
