package io.auditbridge.openshift;

import io.auditbridge.core.cli.HelpGroup;
import com.fasterxml.jackson.databind.JsonNode;
import io.auditbridge.core.SourceRecord;
import io.auditbridge.core.Translator;
import io.auditbridge.core.cli.TranslateCommand;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code translate}: saved ClusterLogForwarder request bodies (JSON array, NDJSON, or gzip of either) to NDJSON Events. */
@HelpGroup(HelpGroup.Section.SOURCE)
@Command(name = "translate", mixinStandardHelpOptions = true,
        description = "Translate saved ClusterLogForwarder http bodies (JSON array, NDJSON, gzip) to NDJSON audit Events on stdout (stdin when no FILE).")
final class OpenShiftTranslateCommand extends TranslateCommand<ForwardedRecord> {
    /** Saved files are trusted more than requests, but a bomb must still not fill the heap. */
    private static final long MAX_DECODED = 1L << 30;

    @Option(names = {"--cluster", "--cluster-name"}, paramLabel = "NAME",
            description = "Cluster name written to annotations.cluster_name (Falco ka.cluster.name); --cluster-name is the old name. Env: AUDITBRIDGE_CLUSTER.")
    String clusterName;

    @Override
    protected String source() {
        return OpenShiftTranslator.PROVIDER;
    }

    @Override
    protected Translator<ForwardedRecord> translator() {
        return new OpenShiftTranslator();
    }

    @Override
    protected List<SourceRecord<ForwardedRecord>> decode(String name, byte[] content) {
        List<JsonNode> records = ForwarderBody.records(ForwarderBody.gunzipIfGzip(content, MAX_DECODED));
        List<SourceRecord<ForwardedRecord>> out = new ArrayList<>(records.size());
        for (int i = 0; i < records.size(); i++) {
            out.add(SourceRecord.unpositioned(name + "#" + i, new ForwardedRecord(records.get(i), clusterName)));
        }
        return out;
    }

    @Override
    protected void decode(String name, java.io.InputStream in, RecordConsumer<ForwardedRecord> out)
            throws java.io.IOException, InterruptedException {
        int[] i = {0};
        // Records as their bytes: the translator passes each Event's own bytes through without a tree.
        ForwarderBody.readRaw(in, (raw, scan, other) -> out.accept(SourceRecord.unpositioned(name + "#" + i[0]++,
                raw != null ? ForwardedRecord.ofScanned(raw, scan, clusterName) : new ForwardedRecord(other, clusterName))));
    }
}
