package io.auditbridge.core.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

class HelpSectionsTest {
    /** Stands in for bridge-kubernetes' CheckpointOptions (bridge-core does not depend on it). */
    @HelpGroup(HelpGroup.Section.CHECKPOINTS)
    static final class Checkpoints {
        @Option(names = "--checkpoint-file", paramLabel = "FILE", description = "Where committed positions are kept.")
        java.nio.file.Path file;

        @Option(names = "--leader-election", description = "Only the Lease holder polls.")
        boolean leaderElection;
    }

    /** A run command put together like the bridges' from the shared option classes, plus one of its own. */
    @HelpGroup(HelpGroup.Section.SOURCE)
    @Command(name = "run", mixinStandardHelpOptions = true, description = "Follow and deliver.")
    static final class Run implements Callable<Integer> {
        @Option(names = "--poll-interval", paramLabel = "DURATION", defaultValue = "5s", converter = Durations.class,
                description = "Least time between two windows (default ${DEFAULT-VALUE}).")
        Duration pollInterval;

        @HelpGroup(HelpGroup.Section.OPERATIONS)
        @Option(names = "--drain-timeout", paramLabel = "DURATION", defaultValue = "30s", converter = Durations.class,
                description = "On SIGTERM, how long to wait for in-flight deliveries.")
        Duration drainTimeout;

        @Option(names = {"--listen-port-new", "--old-port"}, paramLabel = "PORT", description = "A renamed option.")
        int renamed;

        @Mixin SinkOptions sink;
        @Mixin PipelineOptions pipeline;
        @Mixin Checkpoints checkpoint;
        @Mixin ReceiverOptions receiver;
        @Mixin OpsOptions ops;
        @Mixin LogOptions log;

        @Override
        public Integer call() {
            return 0;
        }
    }

    @Command(name = "test-bridge", subcommands = Run.class)
    static final class Root {}

    private static String help(String... args) {
        CommandLine cl = BridgeCli.commandLine(new Root());
        StringWriter out = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        assertThat(cl.execute(args)).isZero();
        return out.toString();
    }

    @Test
    void runHelpListsOptionsUnderSectionHeadingsInOrder() {
        String help = help("run", "--help");
        List<String> headings = help.lines().filter(l -> l.matches("[A-Z][a-zA-Z ]+:")).toList();
        assertThat(headings).containsExactly("Source:", "Receiver:", "Sink:", "Batching and delivery:",
                "Checkpoints and HA:", "Operations:");
        assertThat(help).startsWith("Usage: test-bridge run [OPTIONS]");
        assertThat(section(help, "Source:")).contains("--poll-interval").doesNotContain("--sink=");
        assertThat(section(help, "Sink:")).contains("--sink=", "--sink-token-file").doesNotContain("--batch-max-events");
        assertThat(section(help, "Batching and delivery:")).contains("--batch-max-events", "--max-retry-duration", "--dead-letter-file");
        assertThat(section(help, "Checkpoints and HA:")).contains("--checkpoint-file", "--leader-election");
        assertThat(section(help, "Receiver:")).contains("--listen-port", "--tls-cert-file", "--auth-token-file", "--max-body-size");
        assertThat(section(help, "Operations:")).contains("--metrics-port", "--log-format", "--drain-timeout", "--help", "--version");
    }

    @Test
    void everyOptionLineNamesItsVariableAndHiddenAliasesStayHidden() {
        String help = help("run", "--help").replaceAll("\\s+", " "); // lines wrap at 80 columns
        assertThat(help).contains("Env: AUDITBRIDGE_BATCH_MAX_EVENTS.", "Env: AUDITBRIDGE_POLL_INTERVAL.",
                "Env: AUDITBRIDGE_LISTEN_PORT_NEW.", "Env: AUDITBRIDGE_LOG_FORMAT.");
        assertThat(help).contains("--listen-port-new").doesNotContain("--old-port");
        assertThat(help).doesNotContain("Env: AUDITBRIDGE_HELP").doesNotContain("${DEFAULT-VALUE}");
        CommandLine run = BridgeCli.commandLine(new Root()).getSubcommands().get("run");
        for (var option : run.getCommandSpec().options()) {
            if (!option.hidden() && !option.usageHelp() && !option.versionHelp()) {
                assertThat(HelpSections.section(option)).as(option.longestName()).isNotEqualTo(HelpGroup.Section.OTHER);
                String env = BridgeCli.envName(OptionNames.primary(option));
                assertThat(help).as(option.longestName() + " names " + env).contains(env);
            }
        }
    }

    /** The lines from {@code heading} to the next blank-line-separated heading. */
    static String section(String help, String heading) {
        int start = help.indexOf("\n" + heading + "\n");
        assertThat(start).as(heading).isNotNegative();
        int end = help.indexOf("\n\n", start + heading.length() + 2);
        return help.substring(start, end < 0 ? help.length() : end);
    }
}
