package io.auditbridge.core.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NumericNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.databind.node.ValueNode;
import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * Charges the JSON tree a handler builds to its request's {@link RequestBudget.Lease} while it is built, so
 * {@code [{},{},…]} (three bytes of input, a hundred of heap) stops at the budget instead of at
 * OutOfMemoryError. The costs are estimates of the JDK's object sizes (64-bit, compressed pointers): a
 * container with its collection, a value node, a string's bytes.
 */
public final class ChargingNodeFactory extends JsonNodeFactory {
    /** ObjectNode + LinkedHashMap + one entry in its parent. */
    static final int CONTAINER_BYTES = 112;
    /** A value node and the map entry or list slot that holds it. */
    static final int VALUE_BYTES = 48;
    /** Charges are batched to keep the budget's lock out of the parse loop. */
    private static final int BATCH_BYTES = 64 * 1024;

    private final transient RequestBudget.Lease lease;
    private long pending;
    private long nodes;

    ChargingNodeFactory(RequestBudget.Lease lease) {
        super(true); // exact BigDecimals, like EventJson.MAPPER (1.50 stays 1.50)
        this.lease = lease;
    }

    /** Nodes created so far. */
    public long nodes() {
        return nodes;
    }

    /** Charges what is still pending (call before handing the tree on). */
    public void settle() {
        if (pending > 0) {
            long p = pending;
            pending = 0;
            lease.charge(p);
        }
    }

    private void cost(long bytes) {
        nodes++;
        pending += bytes;
        if (pending >= BATCH_BYTES) {
            settle();
        }
    }

    @Override
    public ObjectNode objectNode() {
        cost(CONTAINER_BYTES);
        return super.objectNode();
    }

    @Override
    public ArrayNode arrayNode() {
        cost(CONTAINER_BYTES);
        return super.arrayNode();
    }

    @Override
    public ArrayNode arrayNode(int capacity) {
        cost(CONTAINER_BYTES + 4L * Math.max(0, capacity));
        return super.arrayNode(capacity);
    }

    @Override
    public TextNode textNode(String text) {
        cost(VALUE_BYTES + 24 + (text == null ? 0 : 2L * text.length()));
        return super.textNode(text);
    }

    @Override
    public NumericNode numberNode(int v) {
        cost(VALUE_BYTES);
        return super.numberNode(v);
    }

    @Override
    public NumericNode numberNode(long v) {
        cost(VALUE_BYTES);
        return super.numberNode(v);
    }

    @Override
    public NumericNode numberNode(double v) {
        cost(VALUE_BYTES);
        return super.numberNode(v);
    }

    @Override
    public NumericNode numberNode(float v) {
        cost(VALUE_BYTES);
        return super.numberNode(v);
    }

    @Override
    public ValueNode numberNode(BigInteger v) {
        cost(VALUE_BYTES + (v == null ? 0 : v.bitLength() / 8 + 24));
        return super.numberNode(v);
    }

    @Override
    public ValueNode numberNode(BigDecimal v) {
        cost(VALUE_BYTES + (v == null ? 0 : v.unscaledValue().bitLength() / 8 + 40));
        return super.numberNode(v);
    }

    @Override
    public com.fasterxml.jackson.databind.node.BooleanNode booleanNode(boolean v) {
        cost(8); // a shared instance; only the slot
        return super.booleanNode(v);
    }

    @Override
    public com.fasterxml.jackson.databind.node.NullNode nullNode() {
        cost(8);
        return super.nullNode();
    }
}
