package io.auditbridge.gke;

/**
 * What kube-apiserver itself would have written for a request that GKE logged as {@code methodName} +
 * {@code resourceName}: the rules of {@code k8s.io/apiserver} {@code RequestInfoFactory} (how a path becomes
 * namespace, name and subresource) and of the audit package (which fills {@code objectRef} from the request path,
 * then from the request object's metadata). GKE's {@code resourceName} is not the request path: for a create it
 * already ends with the new object's name, and a non-resource request has no group or version at all.
 *
 * <p>Pure functions, one rule each, so they can be reused by any reader of GKE entries.
 */
final class ApiServerRequest {
    private ApiServerRequest() {}

    private static final String K8S_METHOD_PREFIX = "io.k8s.";

    /**
     * A non-resource request ({@code /readyz}, {@code /version}, {@code /apis} discovery, {@code /openapi/v2}, a
     * probe such as {@code /HNAP1}): GKE names its method {@code io.k8s.<verb>}, with no group, version or
     * resource between, and its resourceName is the path without the leading slash.
     */
    static boolean isNonResource(String methodName) {
        return methodName.startsWith(K8S_METHOD_PREFIX) && methodName.indexOf('.', K8S_METHOD_PREFIX.length()) < 0
                && methodName.length() > K8S_METHOD_PREFIX.length();
    }

    /** The request path of a non-resource request: the resourceName with exactly one leading slash. */
    static String nonResourceUri(String resourceName) {
        int i = 0;
        while (i < resourceName.length() && resourceName.charAt(i) == '/') {
            i++;
        }
        return "/" + resourceName.substring(i);
    }

    /**
     * The path the client called. A create is a POST to the collection ({@code /api/v1/namespaces/ns/pods}),
     * although GKE's resourceName ends with the new object's name; a create of a subresource
     * ({@code pods/NAME/eviction}, {@code serviceaccounts/NAME/token}, {@code pods/NAME/exec}) is a POST to that
     * subresource and keeps the name.
     */
    static String requestUri(ResourceName rn, String verb) {
        return rn.apiPath(!isCollectionCreate(rn, verb));
    }

    /**
     * {@code objectRef.namespace}. RequestInfoFactory reads the namespace from {@code /namespaces/NAME/…}, so a
     * get/update/patch/delete of the namespace NAME (or of its {@code status}/{@code finalize}) names NAME. A
     * create is a POST to {@code /api/v1/namespaces}: the path names no namespace, and the audit package then
     * takes the request object's {@code metadata.namespace}, which a Namespace never has; so none.
     */
    static String objectRefNamespace(ResourceName rn, String verb) {
        if (rn.group().isEmpty() && rn.resource().equals("namespaces") && isCollectionCreate(rn, verb)) {
            return null;
        }
        return rn.namespace();
    }

    /** A create of the resource itself (not of a subresource): a POST to the collection. */
    private static boolean isCollectionCreate(ResourceName rn, String verb) {
        return "create".equals(verb) && rn.subresource() == null;
    }
}
