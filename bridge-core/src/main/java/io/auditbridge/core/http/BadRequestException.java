package io.auditbridge.core.http;

/** The request body cannot be used; the message is a one-line reason that is sent back with a 400. */
public class BadRequestException extends Exception {
    public BadRequestException(String reason) {
        super(oneLine(reason));
    }

    static String oneLine(String s) {
        if (s == null) {
            return "bad request";
        }
        String line = s.replaceAll("[\\r\\n\\t]+", " ").strip();
        return line.length() > 300 ? line.substring(0, 300) + "…" : line;
    }
}
