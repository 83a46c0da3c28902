package io.auditbridge.core;

/** Events of a submission could not be delivered; the caller's platform must retry (503, failed invocation). */
public class DeliveryFailedException extends Exception {
    public DeliveryFailedException(String message) {
        super(message);
    }
}
