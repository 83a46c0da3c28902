package io.auditbridge.detector.engine;

import java.util.List;
import java.util.Map;

/**
 * One entry of Falco's {@code append_output}: when a rule matches every given condition ({@code source},
 * {@code tag} it carries, {@code rule} name; none given matches every rule), {@link #extraOutput} is appended to
 * its output line (after a space) and {@link #extraFields} are added to the alert's {@code output_fields} only.
 *
 * @param extraFields each entry is either a field name ({@code ka.cluster.name}), whose value is extracted, or
 *                    a one-entry map {@code name → template}, rendered like an output ({@code %field} substituted)
 */
public record AppendOutput(String source, String tag, String rule, String extraOutput, List<Object> extraFields) {
    public AppendOutput {
        extraFields = extraFields == null ? List.of() : List.copyOf(extraFields);
        for (Object f : extraFields) {
            if (!(f instanceof String) && !(f instanceof Map<?, ?> m && m.size() == 1)) {
                throw new IllegalArgumentException("append_output extra_fields: each entry is a field name or one 'name: value' pair");
            }
        }
    }

    public boolean matches(CompiledRule r) {
        return (source == null || source.equals(Alert.SOURCE))
                && (tag == null || r.tags().contains(tag))
                && (rule == null || rule.equals(r.name()));
    }
}
