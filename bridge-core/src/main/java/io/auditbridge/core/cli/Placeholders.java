package io.auditbridge.core.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The placeholder values the shipped examples use (deploy/ manifests, READMEs): {@code REPLACE-WITH-A-RANDOM-TOKEN}
 * in Secrets, {@code PROJECT_ID} and {@code CLUSTER} in
 * Helm values and ConfigMaps. A bridge started with one of them fails at start naming the option,
 * instead of running with a token everyone knows or polling a project that does not exist.
 * New examples should use a {@code REPLACE-…} value, which is always caught.
 */
public final class Placeholders {
    private static final Pattern REPLACE = Pattern.compile("REPLACE[-_][A-Z0-9_-]*");
    /** The examples' stand-ins for account-specific ids, also inside a value (projects/PROJECT_ID/subscriptions/x). */
    private static final Pattern ID = Pattern.compile("(?<![A-Za-z0-9])(PROJECT_ID|ACCOUNT_ID|CERTIFICATE_ID)(?![A-Za-z0-9])");
    /** Whole values that are the examples' upper-case stand-ins (--set cluster=CLUSTER). */
    private static final Set<String> WHOLE = Set.of("CLUSTER", "CLUSTER_NAME", "REGION");
    /** Only this much of a secret file is looked at: placeholders are short, and secrets are never echoed. */
    private static final int FILE_PREFIX = 4096;

    private Placeholders() {}

    /** The placeholder {@code value} is or contains, if any. */
    public static Optional<String> find(String value) {
        if (value == null) {
            return Optional.empty();
        }
        String v = value.strip();
        if (WHOLE.contains(v)) {
            return Optional.of(v);
        }
        Matcher m = REPLACE.matcher(v);
        if (m.find()) {
            return Optional.of(m.group());
        }
        m = ID.matcher(v);
        return m.find() ? Optional.of(m.group()) : Optional.empty();
    }

    /** The placeholder a small secret file holds, if any; an unreadable file is left to the option's own check. */
    public static Optional<String> inFile(Path file) {
        if (file == null || !Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try (InputStream in = Files.newInputStream(file)) {
            return find(new String(in.readNBytes(FILE_PREFIX), StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Options whose file holds a secret value (a token, key, password or connection string), not a PEM or data. */
    public static boolean holdsSecretValue(String longOption) {
        return longOption.matches("--.*(token|access-key|password|username|connection-string)-file");
    }
}
