package io.auditbridge.detector.correlation;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The product's bundled correlation rules, shipped in the jar beside the bundled Falco rules. */
public final class CorrelationFiles {
    public static final String RESOURCE = "/io/auditbridge/detector/auditbridge_k8s_audit.correlations.yaml";
    public static final String BUNDLED_NAME = "bundled:auditbridge_k8s_audit.correlations.yaml";

    private CorrelationFiles() {}

    public static String bundledText() {
        try (InputStream in = CorrelationFiles.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("bundled correlations missing from the jar: " + RESOURCE);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
