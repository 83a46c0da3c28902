package io.auditbridge.core.testing;

import io.auditbridge.core.SourceRecord;
import io.auditbridge.core.Translator;
import io.auditbridge.core.cli.TranslateCommand;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;

/** A bridge's {@code translate} for tests: each input holds audit Events already (pass-through), source "test". */
@Command(name = "translate", mixinStandardHelpOptions = true)
public final class PassThroughTranslateCommand extends TranslateCommand<byte[]> {
    @Override
    protected String source() {
        return "test";
    }

    @Override
    protected Translator<byte[]> translator() {
        return new K8sEventTranslator("test", Map.of());
    }

    @Override
    protected List<SourceRecord<byte[]>> decode(String name, byte[] content) {
        return List.of(SourceRecord.unpositioned(name, content));
    }
}
