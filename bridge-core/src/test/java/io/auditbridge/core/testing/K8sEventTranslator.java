package io.auditbridge.core.testing;

import io.auditbridge.core.Event;
import io.auditbridge.core.EventReader;
import io.auditbridge.core.RecordError;
import io.auditbridge.core.SourceRecord;
import io.auditbridge.core.Translation;
import io.auditbridge.core.Translator;
import java.util.Map;

/**
 * Translates text that already holds audit Events (an Event, an EventList, a JSON array or NDJSON): each
 * valid Event is forwarded unchanged, each bad element reported with its index and recovered auditID.
 * Optional annotations (the cluster identity) are added under names the Event does not already use.
 */
public final class K8sEventTranslator implements Translator<byte[]> {
    private final String provider;
    private final Map<String, String> annotations;

    public K8sEventTranslator(String provider, Map<String, String> annotations) {
        this.provider = provider;
        this.annotations = Map.copyOf(annotations);
    }

    @Override
    public Translation translate(SourceRecord<byte[]> record) {
        Translation.Builder out = Translation.builder();
        EventReader.read(record.payload(), item -> {
            if (item.isEvent()) {
                Event e = item.event();
                annotations.forEach(e::putAnnotationIfAbsent);
                if (provider != null) {
                    e.putAnnotationIfAbsent(Event.ANNOTATION_SOURCE, provider);
                }
                out.event(e);
            } else {
                out.error(RecordError.of(RecordError.codeOf(item.error(), RecordError.NOT_EVENT), record.id() + "#" + item.index(), item.auditId(), item.error()));
            }
        });
        return out.build();
    }
}
