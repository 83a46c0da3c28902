package io.auditbridge.core.cli;

/** A configuration value is unusable; the message is one line naming the option and what is wrong. */
public class ConfigException extends RuntimeException {
    public ConfigException(String option, String problem) {
        super(option + ": " + problem);
    }
}
