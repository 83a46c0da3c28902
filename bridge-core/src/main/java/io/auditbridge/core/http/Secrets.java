package io.auditbridge.core.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** Compares a presented credential with the expected one without leaking either through timing. */
public final class Secrets {
    private Secrets() {}

    /**
     * True when {@code given} equals {@code expected}. Both sides are hashed first and the digests compared
     * with {@link MessageDigest#isEqual}, so neither the content nor the length of the secret leaks. An empty
     * or missing expected value never matches: an empty Secret must not turn into "anything goes".
     */
    public static boolean matches(String given, String expected) {
        if (expected == null || expected.isEmpty() || given == null) {
            return false;
        }
        return MessageDigest.isEqual(sha256(given), sha256(expected));
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
