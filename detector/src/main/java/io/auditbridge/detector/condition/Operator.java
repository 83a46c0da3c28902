package io.auditbridge.detector.condition;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** The comparison operators of Falco's condition language. */
public enum Operator {
    EQ("="), EQEQ("=="), NE("!="), LT("<"), LE("<="), GT(">"), GE(">="),
    CONTAINS("contains"), ICONTAINS("icontains"), STARTSWITH("startswith"), ENDSWITH("endswith"),
    GLOB("glob"), PMATCH("pmatch"), IN("in"), INTERSECTS("intersects"), EXISTS("exists");

    private static final Map<String, Operator> WORDS = new TreeMap<>();

    static {
        for (Operator o : values()) {
            if (Character.isLetter(o.text.charAt(0))) {
                WORDS.put(o.text, o);
            }
        }
    }

    final String text;

    Operator(String text) {
        this.text = text;
    }

    /** The operator spelled by a word ({@code in}, {@code startswith}…), or null. */
    static Operator word(String w) {
        return WORDS.get(w.toLowerCase(Locale.ROOT));
    }

    /** The operator written as {@code text} (symbol or word), or null. */
    public static Operator parse(String text) {
        for (Operator o : values()) {
            if (o.text.equalsIgnoreCase(text.trim())) {
                return o;
            }
        }
        return null;
    }

    /** Takes a parenthesised list of values. */
    public boolean takesList() {
        return this == IN || this == INTERSECTS || this == PMATCH;
    }

    /** Legal on a list field (Falco rejects the others there). */
    public boolean allowedOnList() {
        return this == IN || this == INTERSECTS || this == EXISTS;
    }

    public String text() {
        return text;
    }
}
