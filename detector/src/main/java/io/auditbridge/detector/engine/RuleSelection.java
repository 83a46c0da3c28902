package io.auditbridge.detector.engine;

import io.auditbridge.detector.rules.Priority;
import java.util.List;

/**
 * Which loaded rules run, as Falco's command line and falco.yaml select them:
 * {@code -D} disables every rule whose name contains one of {@link #disabledNames} (an exact name is a
 * substring of itself), {@code -T} every rule carrying one of {@link #disabledTags}, {@code -t} enables only
 * rules carrying one of {@link #enabledTags}, and falco.yaml's {@code priority} (here also
 * {@code --min-priority}) drops rules less severe than {@link #minPriority}. A rule a rules file disables
 * ({@code enabled: false}) stays disabled.
 */
public record RuleSelection(List<String> disabledNames, List<String> disabledTags, List<String> enabledTags, Priority minPriority) {
    public static final RuleSelection ALL = new RuleSelection(List.of(), List.of(), List.of(), Priority.DEBUG);

    /** @throws IllegalArgumentException when {@code -t} is combined with {@code -D}/{@code -T}, as Falco refuses it */
    public RuleSelection {
        disabledNames = List.copyOf(disabledNames);
        disabledTags = List.copyOf(disabledTags);
        enabledTags = List.copyOf(enabledTags);
        minPriority = minPriority == null ? Priority.DEBUG : minPriority;
        if (!enabledTags.isEmpty() && (!disabledNames.isEmpty() || !disabledTags.isEmpty())) {
            throw new IllegalArgumentException("rules cannot be both enabled by tag (-t) and disabled (-D/-T), as in Falco");
        }
    }

    public boolean selects(CompiledRule rule) {
        return selects(rule.name(), rule.tags(), rule.priority(), rule.enabled());
    }

    /** The same choice for anything named, tagged and prioritized like a rule (correlation rules). */
    public boolean selects(String name, List<String> tags, Priority priority, boolean enabled) {
        if (!enabled || priority.ordinal() > minPriority.ordinal()) {
            return false;
        }
        if (!enabledTags.isEmpty()) {
            return tags.stream().anyMatch(enabledTags::contains);
        }
        for (String part : disabledNames) {
            if (name.contains(part)) {
                return false;
            }
        }
        return tags.stream().noneMatch(disabledTags::contains);
    }
}
