package io.auditbridge.detector;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/** The upstream Falco rules file under ../shared, or a skipped test when it is absent (a fresh clone). */
public final class Upstream {
    private Upstream() {}

    public static Path rulesFile() {
        String dir = System.getProperty("auditbridge.shared.dir");
        Path p = dir == null ? null : Path.of(dir, "falco", "k8s_audit_rules.yaml");
        assumeTrue(p != null && Files.isReadable(p), "upstream Falco rules not found under auditbridge.shared.dir=" + dir);
        return p;
    }
}
