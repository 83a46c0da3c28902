package io.auditbridge.eks;

import io.auditbridge.core.K8sEventTranslator;
import io.auditbridge.core.SourceRecord;
import io.auditbridge.core.Translator;
import io.auditbridge.core.cli.TranslateCommand;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;

/** {@code translate}: audit Event lines (as EKS writes them to CloudWatch Logs) to NDJSON Events. */
@Command(name = "translate", mixinStandardHelpOptions = true,
        description = "Translate saved EKS audit input to NDJSON audit Events on stdout (stdin when no FILE).")
final class EksTranslateCommand extends TranslateCommand<byte[]> {
    @Override
    protected String source() {
        return "eks";
    }

    @Override
    protected Translator<byte[]> translator() {
        return new K8sEventTranslator("eks", Map.of());
    }

    @Override
    protected List<SourceRecord<byte[]>> decode(String name, byte[] content) {
        return List.of(SourceRecord.unpositioned(name, content));
    }
}
