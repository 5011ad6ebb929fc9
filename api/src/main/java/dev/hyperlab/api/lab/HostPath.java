package dev.hyperlab.api.lab;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.apiguardian.api.API;

/**
 * Marks a facade parameter or spec field that names a file, a directory or a repository location on the machine
 * hyperlab runs on, not something inside the lab. A script file may name only those below the directories its run
 * was allowed (its lab's, hyperlab's home, and each {@code run --allow-path DIR}), and a URL only with
 * {@code run --allow-net} (docs/automation.md, "The sandbox").
 *
 * <pre>{@code
 * Backups initBackups(@HostPath String dir, String password);   // a script may name dir only where it was allowed
 * }</pre>
 */
@API(status = EXPERIMENTAL, since = "0.1")
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.PARAMETER, ElementType.RECORD_COMPONENT})
public @interface HostPath {
    /** Whether a value may be a size instead ({@code 20GiB}: a new blank disk), which names no file. */
    boolean orSize() default false;
}
