package dev.hyperlab.api.lab;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

/**
 * A piece of a VM's serial console log, as {@link Vm#console(long)} reads it: what the guest printed from a byte
 * offset on. Follow a console by calling again from {@code next} while {@code live}.
 *
 * <pre>{@code
 * long at = 0;
 * ConsoleText c;
 * do {
 *     c = lab.vm("web1").console(at);
 *     System.out.print(c.text());
 *     at = c.next();
 * } while (c.live() && !c.text().contains("login:"));
 * }</pre>
 *
 * @param text what the log holds from the offset asked for (at most a megabyte a call), as the guest wrote it
 * @param next the offset to ask for next
 * @param live whether the VM's process runs, so that more may come
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record ConsoleText(String text, long next, boolean live) {}
