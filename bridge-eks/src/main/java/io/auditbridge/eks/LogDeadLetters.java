package io.auditbridge.eks;

import io.auditbridge.core.Event;
import io.auditbridge.core.sink.DeadLetters;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dead letters for the Lambda handler, whose file system is read-only (and /tmp is lost with the instance):
 * each one becomes a log line in the function's own log group, with the reason and the Event. The Event is
 * what EKS already wrote to CloudWatch Logs, so it is kept where it came from.
 */
final class LogDeadLetters implements DeadLetters {
    private static final Logger log = LoggerFactory.getLogger("auditbridge.deadletter");

    @Override
    public void event(Event event, String reason) {
        log.warn("dead-letter reason={} auditID={} event={}", reason, event.auditId(),
                new String(event.toJsonBytes(), StandardCharsets.UTF_8));
    }

    @Override
    public void record(String source, String recordId, String reason, String payload) {
        log.warn("dead-letter source={} record={} reason={} payloadChars={}", source, recordId, reason,
                payload == null ? 0 : payload.length());
    }
}
