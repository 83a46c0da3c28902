package io.auditbridge.core.testing;

import io.auditbridge.core.Source;
import io.auditbridge.core.SourceRecord;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A polling Source over an NDJSON file of Events, for the crash tests: partition "file", position = line number.
 * Resumes after the committed line; returns null at the end of the file.
 */
public final class NdjsonFileSource implements Source<byte[]> {
    private final Path file;
    private final int chunk;
    private List<String> lines;
    private int next;

    public NdjsonFileSource(Path file, int chunk) {
        this.file = file;
        this.chunk = chunk;
    }

    @Override
    public void start(Map<String, String> committed) throws Exception {
        lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        next = Integer.parseInt(committed.getOrDefault("file", "0"));
    }

    @Override
    public List<SourceRecord<byte[]>> poll() {
        if (next >= lines.size()) {
            return null;
        }
        List<SourceRecord<byte[]>> out = new ArrayList<>();
        for (int i = 0; i < chunk && next < lines.size(); i++, next++) {
            out.add(new SourceRecord<>("file", Integer.toString(next + 1), "line-" + (next + 1),
                    lines.get(next).getBytes(StandardCharsets.UTF_8)));
        }
        return out;
    }
}
