package io.auditbridge.core.pipeline;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Dedupe that never drops the only undelivered copy: a key is a duplicate only once its first copy is done
 * (acknowledged or durably dead-lettered). A copy that arrives while the first is still in flight follows it:
 * its record is done when the first copy is done, and fails when the first copy is abandoned (so a resubmission
 * racing its own first attempt cannot let a checkpoint pass events that were neither delivered nor dead-lettered).
 *
 * <p>Thread-safe: submitting threads classify and follow, the delivery threads finish and abandon. Every step
 * concerns one key only (its copies in flight and whether it is done), so the keys are striped by hash, each stripe
 * under its own lock: threads working on different keys no longer queue on one monitor per event, and all steps on
 * one key still happen one at a time, in the same stripe.
 */
final class InFlightCopies {
    /** What became of a copy offered to {@link #offer}. */
    enum Copy {
        /** No copy in flight and none done: send this one. */
        LEAD,
        /** A copy is in flight: this one follows it ({@link #follow}). */
        FOLLOW,
        /** A copy was already done: drop this one. */
        DONE
    }

    private static final int STRIPES = 64;

    private final DedupeWindow done;
    /** Per stripe, the keys with a copy in flight and the records following it; guarded by the stripe's map. */
    private final List<Map<String, List<AckLedger.Entry>>> stripes = new ArrayList<>(STRIPES);

    InFlightCopies(DedupeWindow done) {
        this.done = done;
        for (int i = 0; i < STRIPES; i++) {
            stripes.add(new HashMap<>());
        }
    }

    private Map<String, List<AckLedger.Entry>> stripe(String key) {
        int h = key.hashCode();
        return stripes.get((h ^ (h >>> 16)) & (STRIPES - 1));
    }

    /** Classifies a copy of {@code key}; a LEAD is registered as in flight at once. Null keys always lead. */
    Copy offer(String key) {
        if (key == null || !done.enabled()) {
            return Copy.LEAD;
        }
        Map<String, List<AckLedger.Entry>> leaders = stripe(key);
        synchronized (leaders) {
            if (done.contains(key)) {
                return Copy.DONE;
            }
            if (leaders.containsKey(key)) {
                return Copy.FOLLOW;
            }
            leaders.put(key, new ArrayList<>(0));
            return Copy.LEAD;
        }
    }

    /**
     * Attaches {@code follower}'s record to the copy of {@code key} in flight. If that copy finished meanwhile,
     * answers DONE (the caller acks the follower itself) or LEAD (it was abandoned: the caller sends this copy).
     */
    Copy follow(String key, AckLedger.Entry follower) {
        Map<String, List<AckLedger.Entry>> leaders = stripe(key);
        synchronized (leaders) {
            List<AckLedger.Entry> f = leaders.get(key);
            if (f != null) {
                f.add(follower);
                return Copy.FOLLOW;
            }
            if (done.contains(key)) {
                return Copy.DONE;
            }
            leaders.put(key, new ArrayList<>(0));
            return Copy.LEAD;
        }
    }

    /** The leading copy of {@code key} is done: later copies are duplicates; returns its followers to ack. */
    List<AckLedger.Entry> finished(String key) {
        if (key == null || !done.enabled()) {
            return List.of();
        }
        Map<String, List<AckLedger.Entry>> leaders = stripe(key);
        synchronized (leaders) {
            done.firstTime(key);
            List<AckLedger.Entry> f = leaders.remove(key);
            return f == null ? List.of() : f;
        }
    }

    /** The leading copy of {@code key} will not be delivered: a later copy is sent; returns its followers to fail. */
    List<AckLedger.Entry> abandoned(String key) {
        if (key == null) {
            return List.of();
        }
        Map<String, List<AckLedger.Entry>> leaders = stripe(key);
        synchronized (leaders) {
            done.forget(key);
            List<AckLedger.Entry> f = leaders.remove(key);
            return f == null ? List.of() : f;
        }
    }
}
