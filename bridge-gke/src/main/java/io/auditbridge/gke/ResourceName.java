package io.auditbridge.gke;

import java.util.List;
import java.util.Set;

/**
 * A GKE {@code protoPayload.resourceName} parsed the way kube-apiserver parses a request path
 * ({@code RequestInfoFactory}): {@code <group>/<version>/[namespaces/<ns>/]<resource>[/<name>[/<subresource>[/…]]]},
 * the core group written {@code core}. GKE repeats the object name after some subresources
 * ({@code …/pods/p/exec/p}); that echo is dropped, while a real path after a subresource
 * ({@code nodes/n/proxy/metrics/cadvisor}) is kept for the request URI.
 *
 * @param group       the API group; empty for the core group, as in real Kubernetes
 * @param namespace   null for cluster-scoped resources
 * @param name        null for collections (list, create with generateName)
 * @param subresource null when none
 * @param rest        path segments after the subresource (node or pod proxy paths); empty when none
 */
record ResourceName(String group, String version, String namespace, String resource, String name,
                    String subresource, List<String> rest) {
    /** Namespace subresources: {@code namespaces/x/status} is the namespace x, not a resource "status" in x. */
    private static final Set<String> NAMESPACE_SUBRESOURCES = Set.of("status", "finalize");

    /** The parsed name, or null when it does not have a shape kube-apiserver would accept. */
    static ResourceName parse(String resourceName) {
        if (resourceName == null || resourceName.isEmpty()) {
            return null;
        }
        String[] p = segments(resourceName);
        if (p.length < 3 || !isVersion(p[1]) || p[0].isEmpty()) {
            return null;
        }
        for (String s : p) {
            if (s.isEmpty()) {
                return null;
            }
        }
        String group = p[0].equals("core") ? "" : p[0];
        int i = 2;
        String namespace = null;
        if (p[i].equals("namespaces") && p.length > i + 1) {
            namespace = p[i + 1];
            if (p.length > i + 2 && !NAMESPACE_SUBRESOURCES.contains(p[i + 2])) {
                i += 2; // a resource inside the namespace
            }
        }
        String resource = p[i];
        String name = p.length > i + 1 ? p[i + 1] : null;
        String subresource = p.length > i + 2 ? p[i + 2] : null;
        List<String> rest = p.length > i + 3 ? List.of(p).subList(i + 3, p.length) : List.of();
        if (rest.size() == 1 && rest.getFirst().equals(name)) {
            rest = List.of(); // GKE's echo of the object name after the subresource
        }
        return new ResourceName(group, p[1], namespace, resource, name, subresource, List.copyOf(rest));
    }

    /** The segments between slashes, empty ones included (as {@code split("/", -1)}, without its list and copy). */
    private static String[] segments(String s) {
        int count = 1;
        for (int i = s.indexOf('/'); i >= 0; i = s.indexOf('/', i + 1)) {
            count++;
        }
        String[] out = new String[count];
        int start = 0;
        for (int k = 0; k < count - 1; k++) {
            int end = s.indexOf('/', start);
            out[k] = s.substring(start, end);
            start = end + 1;
        }
        out[count - 1] = s.substring(start);
        return out;
    }

    /** {@code v1}, {@code v2beta1}, {@code v1alpha3}: {@code v\d+((alpha|beta)\d+)?}, checked by hand (a regex cost a tenth of a translation). */
    static boolean isVersion(String s) {
        int i = digitsFrom(s, 1);
        if (s.isEmpty() || s.charAt(0) != 'v' || i == 1) {
            return false;
        }
        if (i == s.length()) {
            return true;
        }
        int after = s.startsWith("alpha", i) ? i + 5 : s.startsWith("beta", i) ? i + 4 : -1;
        return after > 0 && after < s.length() && digitsFrom(s, after) == s.length();
    }

    /** The index of the first non-digit at or after {@code from}. */
    private static int digitsFrom(String s, int from) {
        int i = from;
        while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
            i++;
        }
        return i;
    }

    /** The request path kube-apiserver served: {@code /api/v1/namespaces/ns/pods/p/exec}, {@code /apis/g/v/…}. */
    String apiPath() {
        return apiPath(true);
    }

    /** The request path, with the object name or (for a POST to the collection) without it. */
    String apiPath(boolean withName) {
        StringBuilder b = new StringBuilder(96);
        b.append(group.isEmpty() ? "/api/" : "/apis/").append(group.isEmpty() ? "" : group + "/").append(version);
        if (namespace != null && !(resource.equals("namespaces") && namespace.equals(name))) {
            b.append("/namespaces/").append(namespace);
        }
        b.append('/').append(resource);
        if (name != null && withName) {
            b.append('/').append(name);
        }
        if (subresource != null) {
            b.append('/').append(subresource);
        }
        for (String s : rest) {
            b.append('/').append(s);
        }
        return b.toString();
    }
}
