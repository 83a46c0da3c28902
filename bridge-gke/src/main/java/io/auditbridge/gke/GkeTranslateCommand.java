package io.auditbridge.gke;

import io.auditbridge.core.cli.HelpGroup;
import io.auditbridge.core.SourceRecord;
import io.auditbridge.core.Translator;
import io.auditbridge.core.cli.TranslateCommand;
import java.util.List;
import picocli.CommandLine.Command;

/**
 * {@code translate [FILE...]}: saved Cloud Logging entries to NDJSON audit Events on stdout. Each input is one
 * record: a LogEntry object, a JSON array ({@code gcloud logging read --format=json}), NDJSON, or a Pub/Sub
 * push / CloudEvent body from a Log Router sink.
 */
@HelpGroup(HelpGroup.Section.SOURCE)
@Command(name = "translate", mixinStandardHelpOptions = true,
        description = "Translate saved GKE audit LogEntries (JSON object, array, NDJSON, Pub/Sub message) to NDJSON audit Events on stdout (stdin when no FILE).")
final class GkeTranslateCommand extends TranslateCommand<byte[]> {
    @Override
    protected String source() {
        return "gke";
    }

    @Override
    protected Translator<byte[]> translator() {
        return new LogEntryJsonTranslator(new LogEntryTranslator());
    }

    @Override
    protected List<SourceRecord<byte[]>> decode(String name, byte[] content) {
        return List.of(SourceRecord.unpositioned(name, content));
    }
}
