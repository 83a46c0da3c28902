package io.auditbridge.detector.rules;

/** A rules file that cannot be used: the message names the file, the line and the problem. */
public class RulesException extends RuntimeException {
    private final Location location;

    public RulesException(Location location, String problem) {
        super(location + ": " + problem);
        this.location = location;
    }

    public Location location() {
        return location;
    }
}
