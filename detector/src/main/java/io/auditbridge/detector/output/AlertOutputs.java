package io.auditbridge.detector.output;

import io.auditbridge.detector.engine.Alert;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Several outputs at once, as Falco enables stdout, file, http and program outputs side by side. Every output
 * gets every alert; one that fails does not keep the others from theirs. The call fails only when an output with
 * {@link FailurePolicy#BLOCK} failed after its retries; the caller then retries the batch, so outputs that had
 * succeeded may see those alerts again (at-least-once).
 */
public final class AlertOutputs implements AlertOutput {
    private final List<AlertOutput> outputs;

    public AlertOutputs(List<? extends AlertOutput> outputs) {
        if (outputs.isEmpty()) {
            throw new IllegalArgumentException("at least one alert output");
        }
        this.outputs = List.copyOf(outputs);
    }

    @Override
    public void publish(List<Alert> alerts) throws IOException, InterruptedException {
        if (alerts.isEmpty()) {
            return;
        }
        List<String> failed = new ArrayList<>();
        IOException first = null;
        for (AlertOutput o : outputs) {
            try {
                o.publish(alerts);
            } catch (IOException | RuntimeException e) {
                failed.add(o.describe() + ": " + e.getMessage());
                if (first == null) {
                    first = e instanceof IOException io ? io : new IOException(e.getMessage(), e);
                }
            }
        }
        if (first != null) {
            IOException e = new IOException(String.join("; ", failed), first);
            throw e;
        }
    }

    public List<AlertOutput> outputs() {
        return outputs;
    }

    @Override
    public String describe() {
        return String.join(", ", outputs.stream().map(AlertOutput::describe).toList());
    }

    @Override
    public void close() throws IOException {
        IOException first = null;
        for (AlertOutput o : outputs) {
            try {
                o.close();
            } catch (IOException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
