package io.auditbridge.eks;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** EKS writes a cluster's control-plane logs to the log group {@code /aws/eks/<cluster-name>/cluster}. */
final class EksLogGroup {
    /** EKS cluster names: 1–100 letters, digits, '-' and '_', starting with a letter or digit. */
    private static final Pattern GROUP = Pattern.compile("/aws/eks/([0-9A-Za-z][0-9A-Za-z_-]{0,99})/cluster");

    private EksLogGroup() {}

    /** The log group of {@code cluster}. */
    static String of(String cluster) {
        return "/aws/eks/" + cluster + "/cluster";
    }

    /** The cluster a log group belongs to, or null when the group does not have EKS's shape (or is null). */
    static String clusterName(String logGroup) {
        if (logGroup == null) {
            return null;
        }
        Matcher m = GROUP.matcher(logGroup);
        return m.matches() ? m.group(1) : null;
    }
}
