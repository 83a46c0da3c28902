package io.auditbridge.core.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** An option renamed with its old name kept as an alias reads both names' variables, the new one first. */
class EnvAliasTest {
    @Command(name = "t")
    static final class Renamed {
        @Option(names = {"--cluster", "--cluster-name"})
        String cluster;
    }

    private static String parse(Map<String, String> env, String... args) {
        Renamed r = new Renamed();
        CommandLine cl = new CommandLine(r);
        cl.setDefaultValueProvider(new BridgeCli.EnvDefaults(env::get));
        cl.parseArgs(args);
        return r.cluster;
    }

    @Test
    void theNewNameAndTheOldNameWorkOnTheCommandLineAndInTheEnvironment() {
        assertThat(parse(Map.of(), "--cluster", "a")).isEqualTo("a");
        assertThat(parse(Map.of(), "--cluster-name", "b")).isEqualTo("b");
        assertThat(parse(Map.of("AUDITBRIDGE_CLUSTER", "c"))).isEqualTo("c");
        assertThat(parse(Map.of("AUDITBRIDGE_CLUSTER_NAME", "d"))).isEqualTo("d");
        assertThat(parse(Map.of("AUDITBRIDGE_CLUSTER", "new", "AUDITBRIDGE_CLUSTER_NAME", "old"))).isEqualTo("new");
        assertThat(parse(Map.of("AUDITBRIDGE_CLUSTER", "env"), "--cluster-name", "flag")).isEqualTo("flag");
    }
}
