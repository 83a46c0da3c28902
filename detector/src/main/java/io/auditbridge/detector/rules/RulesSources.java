package io.auditbridge.detector.rules;

import io.auditbridge.detector.correlation.CorrelationFiles;
import io.auditbridge.detector.correlation.CorrelationLoader;
import io.auditbridge.detector.correlation.CorrelationRule;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where the rules come from, in load order, as Falco's {@code rules_files} lists them: the word {@code bundled}
 * (the product's own rules file, from the jar), files, and directories (every regular, non-hidden file in it,
 * in name order, as Falco reads a {@code rules.d}). Later entries append to or override earlier ones.
 * None given means the bundled rules alone.
 */
public final class RulesSources {
    public static final String BUNDLED = "bundled";
    private static final String BUNDLED_NAME = "bundled:auditbridge_k8s_audit_rules.yaml";

    private final List<String> entries;

    private RulesSources(List<String> entries) {
        this.entries = entries.isEmpty() ? List.of(BUNDLED) : List.copyOf(entries);
    }

    public static RulesSources of(List<String> entries) {
        List<String> clean = new ArrayList<>();
        for (String e : entries) {
            if (e != null && !e.isBlank()) {
                clean.add(e.strip());
            }
        }
        return new RulesSources(clean);
    }

    public List<String> entries() {
        return entries;
    }

    /** Every file to load, in order: a directory expands to its files in name order; {@code bundled} stays as it is. */
    public List<String> files() {
        List<String> out = new ArrayList<>();
        for (String e : entries) {
            if (e.equals(BUNDLED)) {
                out.add(BUNDLED);
                continue;
            }
            Path p = Path.of(e);
            if (Files.isDirectory(p)) {
                try (Stream<Path> s = Files.list(p)) {
                    s.filter(f -> !f.getFileName().toString().startsWith(".") && Files.isRegularFile(f))
                            .sorted((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()))
                            .forEach(f -> out.add(f.toString()));
                } catch (IOException ex) {
                    throw new RulesException(new Location(e, 0), "cannot list the rules directory: " + ex.getClass().getSimpleName());
                }
            } else {
                out.add(e);
            }
        }
        return out;
    }

    /**
     * Loads and compiles every Falco rules file (not the {@code *.correlations.yaml} files).
     * @throws RulesException naming the file and line of the first problem
     */
    public RuleSet load() {
        RulesLoader loader = new RulesLoader();
        for (String f : files()) {
            if (f.equals(BUNDLED)) {
                loader.load(BUNDLED_NAME, RulesFiles.bundledText());
            } else if (!CorrelationLoader.isCorrelationFile(f)) {
                loader.load(Path.of(f));
            }
        }
        return loader.build();
    }

    /**
     * Loads the correlation rules, in the same order: the bundled ones with {@code bundled}, and every
     * {@code *.correlations.yaml} file, compiled against {@code rules} (whose macros and lists they may use).
     * @throws RulesException naming the file and line of the first problem
     */
    public List<CorrelationRule> correlations(RuleSet rules) {
        CorrelationLoader loader = new CorrelationLoader();
        for (String f : files()) {
            if (f.equals(BUNDLED)) {
                loader.load(CorrelationFiles.BUNDLED_NAME, CorrelationFiles.bundledText());
            } else if (CorrelationLoader.isCorrelationFile(f)) {
                loader.load(Path.of(f));
            }
        }
        return loader.compile(rules);
    }

    /**
     * A digest of the file list and every file's content: it changes when a file is edited, added, removed or
     * replaced (a Kubernetes ConfigMap swaps a symlink), and only then.
     */
    public String fingerprint() {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        for (String f : files()) {
            md.update(f.getBytes(StandardCharsets.UTF_8));
            md.update((byte) 0);
            if (!f.equals(BUNDLED)) {
                try {
                    md.update(Files.readAllBytes(Path.of(f)));
                } catch (IOException e) {
                    md.update(("unreadable:" + e.getClass().getSimpleName()).getBytes(StandardCharsets.UTF_8));
                }
            }
            md.update((byte) 0);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** Whether anything can change at run time (bundled rules cannot). */
    public boolean watchable() {
        return entries.stream().anyMatch(e -> !e.equals(BUNDLED));
    }

    @Override
    public String toString() {
        return String.join(", ", entries);
    }

}
