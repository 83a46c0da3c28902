package io.auditbridge.detector.rules;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The rules files a command was given, or the product's own file (bundled in the jar) when none. */
public final class RulesFiles {
    private static final Logger log = LoggerFactory.getLogger(RulesFiles.class);
    /** The product's default rules, shipped in the jar. */
    public static final String RESOURCE = "/io/auditbridge/detector/auditbridge_k8s_audit_rules.yaml";

    private RulesFiles() {}

    public static String bundledText() {
        try (InputStream in = RulesFiles.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("bundled rules missing from the jar: " + RESOURCE);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Compiles {@code files} in order, or the bundled file when the list is empty; logs the notices. */
    public static RuleSet load(List<Path> files) {
        RulesLoader loader = new RulesLoader();
        if (files.isEmpty()) {
            loader.load("bundled:auditbridge_k8s_audit_rules.yaml", bundledText());
        } else {
            files.forEach(loader::load);
        }
        RuleSet rules = loader.build();
        rules.notices().forEach(n -> log.info("rules: {}", n));
        log.info("loaded {} k8s_audit rules ({} enabled) from {}", rules.rules().size(), rules.enabledRules().size(),
                files.isEmpty() ? "the bundled rules file" : files);
        return rules;
    }
}
