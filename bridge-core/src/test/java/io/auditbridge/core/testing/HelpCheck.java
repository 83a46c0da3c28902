package io.auditbridge.core.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.auditbridge.core.cli.BridgeCli;
import io.auditbridge.core.cli.HelpGroup;
import io.auditbridge.core.cli.HelpSections;
import io.auditbridge.core.cli.OptionNames;
import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Shared checks of a bridge's {@code --help}: sections, variables, no option left outside a section. */
public final class HelpCheck {
    private HelpCheck() {}

    /** The help text of {@code args} (e.g. "run", "--help") of {@code root}, as a user sees it. */
    public static String help(Object root, String... args) {
        CommandLine cl = BridgeCli.commandLine(root);
        StringWriter out = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        assertThat(cl.execute(args)).isZero();
        return out.toString();
    }

    /** Every subcommand: each visible option in a real section, its variable on its help line. */
    public static void everyOptionGroupedWithItsVariable(Object root) {
        CommandLine cl = BridgeCli.commandLine(root);
        for (var e : cl.getSubcommands().entrySet()) {
            String help = help(root, e.getKey(), "--help").replaceAll("\\s+", " ");
            for (var option : e.getValue().getCommandSpec().options()) {
                if (option.hidden() || option.usageHelp() || option.versionHelp()) {
                    continue;
                }
                String what = e.getKey() + " " + OptionNames.primary(option);
                assertThat(HelpSections.section(option)).as(what + " has a @HelpGroup section").isNotEqualTo(HelpGroup.Section.OTHER);
                assertThat(help).as(what + " names its variable").contains(BridgeCli.envName(OptionNames.primary(option)));
            }
        }
    }

    /** The text under {@code heading} up to the next blank line. */
    public static String section(String help, String heading) {
        int start = help.indexOf("\n" + heading + "\n");
        assertThat(start).as(heading + " in\n" + help).isNotNegative();
        int end = help.indexOf("\n\n", start + heading.length() + 2);
        return help.substring(start, end < 0 ? help.length() : end);
    }

    /** {@code <name> run --help}: usage first, then the Source, Sink, Batching and delivery, Operations sections. */
    public static void runHelpIsGroupedUnderHeadings(Object root, String name) {
        String help = help(root, "run", "--help");
        assertThat(help).startsWith("Usage: " + name + " run [OPTIONS]");
        assertThat(help.lines().filter(l -> l.matches("[A-Z][a-zA-Z ]+:"))).contains("Source:", "Sink:", "Batching and delivery:", "Operations:");
        assertThat(section(help, "Sink:")).contains("--sink=");
        assertThat(section(help, "Batching and delivery:")).contains("--batch-max-events");
        assertThat(section(help, "Operations:")).contains("--log-format", "--metrics-port");
    }

    /** {@code backfill}'s cloud API call timeout is shown as {@code --api-call-timeout}; {@code oldName} is a hidden alias. */
    public static void apiCallTimeoutHasOneNameAndAHiddenAlias(Object root, String oldName) {
        String help = help(root, "backfill", "--help");
        assertThat(section(help, "Source:")).contains("--api-call-timeout=DURATION").doesNotContain(oldName);
        CommandLine cl = BridgeCli.commandLine(root);
        cl.parseArgs("backfill", "--since", "1h", oldName, "7s");
        assertThat(cl.getSubcommands().get("backfill").getCommandSpec().findOption("--api-call-timeout").<java.time.Duration>getValue())
                .isEqualTo(java.time.Duration.ofSeconds(7));
    }
}
