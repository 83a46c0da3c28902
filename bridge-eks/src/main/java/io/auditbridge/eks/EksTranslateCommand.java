package io.auditbridge.eks;

import io.auditbridge.core.cli.HelpGroup;
import io.auditbridge.core.SourceRecord;
import io.auditbridge.core.Translator;
import io.auditbridge.core.cli.TranslateCommand;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code translate}: saved EKS audit input of any shape {@link EksInput} reads (FilterLogEvents output,
 * subscription events and payloads, Firehose requests, raw Event lines) to NDJSON Events.
 */
@HelpGroup(HelpGroup.Section.SOURCE)
@Command(name = "translate", mixinStandardHelpOptions = true,
        description = "Translate saved EKS audit input (filter-log-events output, subscription/Lambda events, "
                + "Firehose requests, raw audit Event lines; gzip ok) to NDJSON audit Events on stdout (stdin when no FILE).")
final class EksTranslateCommand extends TranslateCommand<CloudWatchLogEvent> {
    @Option(names = "--cluster", paramLabel = "NAME",
            description = "Cluster name added as the cluster_name annotation (Falco ka.cluster.name) to events whose input names no "
                    + "log group /aws/eks/<name>/cluster (subscription payloads do; their own cluster wins). Env: AUDITBRIDGE_CLUSTER.")
    String cluster;

    @Override
    protected String source() {
        return EksAuditTranslator.PROVIDER;
    }

    @Override
    protected Translator<CloudWatchLogEvent> translator() {
        return new EksAuditTranslator(cluster);
    }

    @Override
    protected List<SourceRecord<CloudWatchLogEvent>> decode(String name, byte[] content) {
        return EksInput.decode(name, content);
    }

    @Override
    protected void decode(String name, java.io.InputStream in, RecordConsumer<CloudWatchLogEvent> out)
            throws java.io.IOException, InterruptedException {
        EksInput.stream(name, in, out::accept);
    }
}
