package io.auditbridge.aks;

import io.auditbridge.core.cli.HelpGroup;
import io.auditbridge.core.cli.ConfigException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Which Diagnostic Settings categories hold the audit Events to forward, and how their cluster is named. */
@HelpGroup(HelpGroup.Section.SOURCE)
final class CategoryOptions {
    @Mixin
    ClusterOptions cluster = new ClusterOptions();

    @Option(names = "--categories", paramLabel = "CATEGORY", split = ",", defaultValue = "kube-audit,kube-audit-admin",
            description = "Diagnostic Settings categories to forward, comma-separated (default ${DEFAULT-VALUE}).")
    List<String> categories;

    DiagnosticRecordTranslator translator() {
        Set<String> selected = new LinkedHashSet<>();
        for (String c : categories) {
            if (!c.isBlank()) {
                selected.add(c.trim());
            }
        }
        if (selected.isEmpty()) {
            throw new ConfigException("--categories", "name at least one category");
        }
        return new DiagnosticRecordTranslator(selected, cluster.naming());
    }
}
