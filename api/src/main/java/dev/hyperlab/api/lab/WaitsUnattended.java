package dev.hyperlab.api.lab;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.apiguardian.api.API;

/**
 * Marks a facade call whose lasting work unattended callers wait for by default, as virsh's {@code snapshot-create-as}
 * and {@code snapshot-revert} return when done: a JavaScript script that calls it without a {@link Wait} gets the
 * overload that takes one, with {@link Wait#DONE}, and the shell's matching command waits in batch mode unless given
 * {@code --no-wait}. The call itself, from Java, returns at once as documented; its overload taking a {@link Wait} (same
 * parameters, then the wait) is the one that waits.
 *
 * <pre>{@code
 * // in a script: vm.suspend() returns once the VM is suspended; vm.suspend({noWait: true}) at once
 * @WaitsUnattended
 * void suspend();
 * void suspend(Wait wait);
 * }</pre>
 */
@API(status = EXPERIMENTAL, since = "0.1")
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface WaitsUnattended {}
