package io.auditbridge.gke;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import java.math.BigDecimal;
import java.util.Map;

/**
 * {@code google.protobuf.Struct} to a Jackson tree, keeping integers integral. Struct stores every number as
 * a double, and {@code JsonFormat} prints {@code 404} as {@code 404.0} (protocolbuffers/protobuf#25451);
 * Kubernetes objects hold integers ({@code code}, {@code replicas}, {@code runAsUser}), and Falco compares
 * them as strings, so an integral double within ±2^53 becomes a long again.
 */
final class StructJson {
    private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);
    private static final double MAX_EXACT = 9_007_199_254_740_992d; // 2^53

    private StructJson() {}

    static ObjectNode object(Struct struct) {
        ObjectNode o = NODES.objectNode();
        for (Map.Entry<String, Value> f : struct.getFieldsMap().entrySet()) {
            o.set(f.getKey(), value(f.getValue()));
        }
        return o;
    }

    static JsonNode value(Value v) {
        return switch (v.getKindCase()) {
            case NULL_VALUE, KIND_NOT_SET -> NODES.nullNode();
            case BOOL_VALUE -> NODES.booleanNode(v.getBoolValue());
            case STRING_VALUE -> NODES.textNode(v.getStringValue());
            case NUMBER_VALUE -> number(v.getNumberValue());
            case STRUCT_VALUE -> object(v.getStructValue());
            case LIST_VALUE -> list(v.getListValue());
        };
    }

    private static ArrayNode list(ListValue l) {
        ArrayNode a = NODES.arrayNode(l.getValuesCount());
        for (Value v : l.getValuesList()) {
            a.add(value(v));
        }
        return a;
    }

    /** A Struct number as Jackson: integral within ±2^53 as int/long, else the double's shortest decimal. */
    static JsonNode number(double d) {
        if (d == Math.rint(d) && Math.abs(d) <= MAX_EXACT) {
            long l = (long) d;
            // int when it fits: the node type Jackson itself reads such a number as, so trees compare equal
            return l == (int) l ? NODES.numberNode((int) l) : NODES.numberNode(l);
        }
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            return NODES.textNode(Double.toString(d)); // JSON has no NaN; keep the information as text
        }
        return NODES.numberNode(BigDecimal.valueOf(d));
    }
}
