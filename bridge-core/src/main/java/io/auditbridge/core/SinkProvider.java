package io.auditbridge.core;

import io.auditbridge.core.ops.PipelineMetrics;
import java.util.Map;

/**
 * Contributes a named sink to every bridge's {@code --sink NAME} without bridge-core depending on it
 * (the detector registers {@code embedded} through {@code META-INF/services/io.auditbridge.core.SinkProvider}).
 */
public interface SinkProvider {
    /** The value of {@code --sink} that selects this provider, e.g. {@code embedded}. */
    String name();

    /**
     * Creates the sink.
     *
     * @param options the {@code --sink-option key=value} pairs (also {@code AUDITBRIDGE_SINK_OPTION}); a bad
     *                value throws IllegalArgumentException naming the key
     */
    Sink create(Map<String, String> options, PipelineMetrics metrics) throws Exception;
}
