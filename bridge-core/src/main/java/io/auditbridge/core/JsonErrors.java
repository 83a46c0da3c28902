package io.auditbridge.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;

/** Turns JSON parse failures into one-line reasons that never quote the input (it may hold Secrets). */
public final class JsonErrors {
    private JsonErrors() {}

    public static String describe(IOException e) {
        if (e instanceof JsonProcessingException jpe) {
            String msg = jpe.getOriginalMessage();
            var loc = jpe.getLocation();
            String where = loc == null ? "" : " at line " + loc.getLineNr() + " column " + loc.getColumnNr();
            // The original message can quote a token of the input; keep only its first clause.
            int cut = msg == null ? -1 : msg.indexOf(':');
            String head = msg == null ? e.getClass().getSimpleName() : (cut > 0 ? msg.substring(0, cut) : msg);
            // Jackson quotes the offending token ("Unrecognized token 'I1129'"): that is input, keep it out.
            return head.replaceAll("'[^']*'", "'…'").replaceAll("\"[^\"]*\"", "\"…\"") + where;
        }
        return e.getClass().getSimpleName();
    }
}
