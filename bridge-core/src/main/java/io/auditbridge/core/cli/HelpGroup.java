package io.auditbridge.core.cli;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The {@code --help} section an option is listed under. {@link HelpSections} renders one heading per section, in
 * the order of {@link Section}, instead of one flat list.
 *
 * <p>How to place a new option (the scheme every command follows):
 * <ul>
 *   <li>An option in an options class (a Picocli mixin such as {@link SinkOptions}) takes the section the class is
 *       annotated with: put it in the class whose job it is and there is nothing more to do.</li>
 *   <li>An option declared in a command class, or one that belongs elsewhere than its class, carries its own
 *       {@code @HelpGroup(Section.…)} next to {@code @Option}; the option's annotation wins over the class's.</li>
 *   <li>{@link Section#SOURCE}: where records come from and which (cloud API, log group, subscription, time range,
 *       cluster, polling window). {@link Section#SINK}: where Events go and the webhook's credentials.
 *       {@link Section#DELIVERY}: batching, back-pressure, dedupe, retry, dead letters. {@link Section#CHECKPOINTS}:
 *       positions, leader election. {@link Section#RECEIVER}: the listening side of push commands.
 *       {@link Section#DETECTOR}: rules and alert output. {@link Section#OPERATIONS}: logs, metrics, progress,
 *       shutdown, help.</li>
 * </ul>
 * An option with no section at all is listed under "Other options:", and each module's help test fails on it.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.FIELD, ElementType.METHOD})
public @interface HelpGroup {
    Section value();

    /** The sections, in the order {@code --help} lists them. */
    enum Section {
        SOURCE("Source"),
        RECEIVER("Receiver"),
        SINK("Sink"),
        DETECTOR("Rules and alerts"),
        DELIVERY("Batching and delivery"),
        CHECKPOINTS("Checkpoints and HA"),
        OPERATIONS("Operations"),
        OTHER("Other options");

        private final String heading;

        Section(String heading) {
            this.heading = heading;
        }

        public String heading() {
            return heading;
        }
    }
}
