package io.auditbridge.core.pipeline;

/**
 * How the end of a record reaches its caller: the ledger entry first (it decides what commits), then the
 * {@link Submission} that owns the entry.
 */
final class Outcomes {
    private Outcomes() {}

    /** One of the record's events is done; the submission hears of it when that finished the record. */
    static void acked(AckLedger.Entry entry) {
        if (entry.ack()) {
            submission(entry).recordFinished();
        }
    }

    /** One of the record's events will not be delivered by this process: the record and its submission fail. */
    static void failed(AckLedger.Entry entry, String reason) {
        entry.fail();
        submission(entry).fail(reason);
    }

    static Submission submission(AckLedger.Entry entry) {
        return (Submission) entry.owner();
    }
}
