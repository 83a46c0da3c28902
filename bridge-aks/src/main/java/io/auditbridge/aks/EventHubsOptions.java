package io.auditbridge.aks;

import io.auditbridge.core.cli.AlsoReadsEnv;
import io.auditbridge.core.cli.HelpGroup;
import com.azure.core.credential.TokenCredential;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.messaging.eventhubs.EventHubClientBuilder;
import com.azure.messaging.eventhubs.EventProcessorClientBuilder;
import io.auditbridge.core.cli.ConfigException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Option;

/**
 * Which Event Hub to read and how to authenticate: a connection string (from a file, or the environment
 * variable {@value #CONNECTION_STRING_ENV}, never a flag so it stays out of {@code ps}), else
 * DefaultAzureCredential (AKS Workload Identity, managed identity, az login) on {@code --eventhub-namespace}.
 */
@HelpGroup(HelpGroup.Section.SOURCE)
@AlsoReadsEnv(EventHubsOptions.CONNECTION_STRING_ENV)
final class EventHubsOptions {
    static final String CONNECTION_STRING_ENV = "AUDITBRIDGE_EVENTHUB_CONNECTION_STRING";
    static final String DEFAULT_CONSUMER_GROUP = "auditbridge";
    private static final Pattern ENDPOINT = Pattern.compile("(?i)(?:^|;)\\s*Endpoint\\s*=\\s*sb://([^/;]+)");
    private static final Pattern ENTITY_PATH = Pattern.compile("(?i)(?:^|;)\\s*EntityPath\\s*=\\s*([^;]+)");

    @Option(names = "--eventhub-namespace", paramLabel = "FQDN",
            description = "Event Hubs namespace, e.g. aks-audit.servicebus.windows.net (with DefaultAzureCredential).")
    String namespace;

    @Option(names = "--eventhub-name", paramLabel = "NAME", defaultValue = "insights-logs-kube-audit",
            description = "Event Hub the Diagnostic Setting streams to (default ${DEFAULT-VALUE}).")
    String eventHub;

    @Option(names = "--consumer-group", paramLabel = "NAME", defaultValue = DEFAULT_CONSUMER_GROUP,
            description = "Consumer group of this bridge; create it on the hub. Not $Default, which other readers share (default ${DEFAULT-VALUE}).")
    String consumerGroup;

    @Option(names = "--eventhub-connection-string-file", paramLabel = "FILE",
            description = "File holding a Listen-only connection string; else " + CONNECTION_STRING_ENV
                    + "; else DefaultAzureCredential on --eventhub-namespace.")
    Path connectionStringFile;

    /** Resolved once: the connection string, or null when the bridge authenticates with DefaultAzureCredential. */
    private String connectionString;
    private boolean resolved;

    String connectionString(Function<String, String> env) {
        if (!resolved) {
            connectionString = connectionStringFile != null
                    ? readSecret(connectionStringFile, "--eventhub-connection-string-file")
                    : blankToNull(env.apply(CONNECTION_STRING_ENV));
            resolved = true;
        }
        return connectionString;
    }

    /** The namespace host: from the connection string's Endpoint, else {@code --eventhub-namespace}. */
    String fullyQualifiedNamespace(Function<String, String> env) {
        String cs = connectionString(env);
        if (cs != null) {
            Matcher m = ENDPOINT.matcher(cs);
            if (!m.find()) {
                throw new ConfigException(connectionStringFile != null ? "--eventhub-connection-string-file" : CONNECTION_STRING_ENV,
                        "the connection string has no Endpoint=sb://<namespace>/");
            }
            return m.group(1);
        }
        if (namespace == null || namespace.isBlank()) {
            throw new ConfigException("--eventhub-namespace",
                    "required unless a connection string is given (--eventhub-connection-string-file or " + CONNECTION_STRING_ENV + ")");
        }
        return namespace.trim();
    }

    /** The hub: the connection string's EntityPath when it names one, else {@code --eventhub-name}. */
    String eventHub(Function<String, String> env) {
        String cs = connectionString(env);
        if (cs != null) {
            Matcher m = ENTITY_PATH.matcher(cs);
            if (m.find()) {
                return m.group(1).trim();
            }
        }
        return eventHub;
    }

    String consumerGroup() {
        if (consumerGroup == null || consumerGroup.isBlank()) {
            throw new ConfigException("--consumer-group", "must not be empty");
        }
        return consumerGroup.trim();
    }

    /** Connects the processor: with the connection string when there is one, else with DefaultAzureCredential. */
    EventProcessorClientBuilder applyTo(EventProcessorClientBuilder b, Function<String, String> env) {
        Target t = target(env);
        b.consumerGroup(t.consumerGroup());
        return t.connectionString() != null ? b.connectionString(t.connectionString(), t.eventHub())
                : b.credential(t.namespace(), t.eventHub(), credential());
    }

    /** Connects the backfill's consumer client the same way. */
    EventHubClientBuilder applyTo(EventHubClientBuilder b, Function<String, String> env) {
        Target t = target(env);
        b.consumerGroup(t.consumerGroup());
        return t.connectionString() != null ? b.connectionString(t.connectionString(), t.eventHub())
                : b.credential(t.namespace(), t.eventHub(), credential());
    }

    /** Everything a client needs, resolved and validated once; the connection string without its EntityPath. */
    private record Target(String namespace, String eventHub, String consumerGroup, String connectionString) {}

    private Target target(Function<String, String> env) {
        String cs = connectionString(env);
        return new Target(fullyQualifiedNamespace(env), eventHub(env), consumerGroup(), cs == null ? null : withoutEntityPath(cs));
    }

    static TokenCredential credential() {
        return new DefaultAzureCredentialBuilder().build();
    }

    private static String withoutEntityPath(String cs) {
        return ENTITY_PATH.matcher(cs).replaceAll("");
    }

    /** Reads a secret file; the message names the option and the path, never the content. */
    static String readSecret(Path file, String option) {
        try {
            String s = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (s.isEmpty()) {
                throw new ConfigException(option, file + " is empty");
            }
            return s;
        } catch (IOException e) {
            throw new ConfigException(option, "cannot read " + file + ": " + e.getClass().getSimpleName());
        }
    }

    static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
