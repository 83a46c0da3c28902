package io.auditbridge.core.testing;

import io.auditbridge.core.SourceRecord;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Records for tests: record i holds event i, at position i of partition "p". */
public final class ListSource {
    private ListSource() {}

    public static List<SourceRecord<byte[]>> records(int from, int count) {
        List<SourceRecord<byte[]>> out = new ArrayList<>(count);
        for (int i = from; i < from + count; i++) {
            out.add(new SourceRecord<>("p", Integer.toString(i), "rec-" + i, SampleEvents.json(i).getBytes(StandardCharsets.UTF_8)));
        }
        return out;
    }
}
