package io.auditbridge.gke;

/**
 * The HTTP status (and Kubernetes {@code Status.reason}) a google.rpc code stands for, as
 * {@code google/rpc/code.proto} documents the mapping. GKE records only the gRPC code of a k8s request;
 * how kube-apiserver's 422 is mapped is not documented, so it arrives as 3 (400).
 */
record GrpcHttpStatus(int code, String reason) {
    static GrpcHttpStatus of(int grpcCode) {
        return switch (grpcCode) {
            case 1 -> new GrpcHttpStatus(499, "Canceled");
            case 3, 9, 11 -> new GrpcHttpStatus(400, "BadRequest");
            case 4 -> new GrpcHttpStatus(504, "Timeout");
            case 5 -> new GrpcHttpStatus(404, "NotFound");
            case 6 -> new GrpcHttpStatus(409, "AlreadyExists");
            case 7 -> new GrpcHttpStatus(403, "Forbidden");
            case 8 -> new GrpcHttpStatus(429, "TooManyRequests");
            case 10 -> new GrpcHttpStatus(409, "Conflict");
            case 12 -> new GrpcHttpStatus(501, "NotImplemented");
            case 14 -> new GrpcHttpStatus(503, "ServiceUnavailable");
            case 16 -> new GrpcHttpStatus(401, "Unauthorized");
            default -> new GrpcHttpStatus(500, "InternalError"); // 2 UNKNOWN, 13 INTERNAL, 15 DATA_LOSS, unknown codes
        };
    }
}
