package io.auditbridge.detector.condition;

import io.auditbridge.detector.fields.Field;
import io.auditbridge.detector.fields.FieldValue;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;

/** Falco's field transformers: {@code tolower}, {@code toupper}, {@code b64} (decode), {@code basename}, {@code len}. */
final class Transformers {
    static final List<String> NAMES = List.of("tolower", "toupper", "b64", "basename", "len");

    private Transformers() {}

    /** How the wrapped field is written: {@code tolower(b64(ka.x))}. */
    static String name(List<String> transformers, String field) {
        String n = field;
        for (int i = transformers.size() - 1; i >= 0; i--) {
            n = transformers.get(i) + "(" + n + ")";
        }
        return n;
    }

    /** The field seen through the transformers, applied innermost first. */
    static Field apply(List<String> transformers, Field field) {
        Field f = field;
        for (int i = transformers.size() - 1; i >= 0; i--) {
            f = one(transformers.get(i), f);
        }
        return f;
    }

    private static Field one(String transformer, Field f) {
        String name = transformer + "(" + f.name() + ")";
        if (transformer.equals("len")) {
            // A list's length is its number of values; a scalar's is its character count. Either way a number.
            return new Field(name, false, true, f.needsAuditId(), f.reads(), (e, t) -> {
                FieldValue v = f.extract(e, t);
                if (!v.present()) {
                    return FieldValue.NA;
                }
                return FieldValue.of(Integer.toString(f.list() ? v.values().size() : v.first().length()));
            });
        }
        UnaryOperator<String> op = switch (transformer) {
            case "tolower" -> s -> s.toLowerCase(Locale.ROOT);
            case "toupper" -> s -> s.toUpperCase(Locale.ROOT);
            case "basename" -> s -> s.substring(s.lastIndexOf('/') + 1);
            case "b64" -> s -> {
                try {
                    return new String(Base64.getDecoder().decode(s), StandardCharsets.UTF_8);
                } catch (IllegalArgumentException notBase64) {
                    return null;
                }
            };
            default -> throw new IllegalArgumentException("unknown transformer " + transformer);
        };
        return new Field(name, f.list(), false, f.needsAuditId(), f.reads(), (e, t) -> {
            FieldValue v = f.extract(e, t);
            if (!v.present()) {
                return FieldValue.NA;
            }
            List<String> out = new ArrayList<>(v.values().size());
            for (String s : v.values()) {
                String r = op.apply(s);
                if (r != null) {
                    out.add(r);
                }
            }
            return f.list() ? FieldValue.ofList(out) : out.isEmpty() ? FieldValue.NA : FieldValue.of(out.get(0));
        });
    }
}
