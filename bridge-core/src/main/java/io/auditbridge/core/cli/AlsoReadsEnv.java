package io.auditbridge.core.cli;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * On a command or options class: {@code AUDITBRIDGE_*} variables it reads itself (not through an option), e.g. a
 * connection string kept out of the command line. The start-up check does not warn about them as unknown.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface AlsoReadsEnv {
    String[] value();
}
