package io.auditbridge.core;

/**
 * Replicas of a poller that take turns: only the leader polls, a standby takes over from the shared checkpoint.
 * bridge-core knows only this contract; the Kubernetes Lease implementation lives in bridge-kubernetes.
 */
public interface Leadership {
    /**
     * Stands by until this replica leads (true) or {@link #stopStandingBy()} is called first (false).
     *
     * @param onLost run once, on another thread, if the lead is lost later: stop polling, drain, exit
     */
    boolean awaitLeadership(Runnable onLost) throws InterruptedException;

    /** Ends a wait in {@link #awaitLeadership} (shutdown). */
    void stopStandingBy();

    /** A {@link CheckpointStore} shared by replicas that take turns: the runtime polls only while it leads. */
    interface Elected {
        Leadership leadership();
    }
}
