package dev.hyperlab.api.lab;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.List;
import org.apiguardian.api.API;

/**
 * What {@link Lab#apply(String)} did with a lab file.
 *
 * <pre>{@code
 * ApplyResult r = lab.apply(Files.readString(Path.of("lab.yaml")));
 * r.changes().forEach(System.out::println);   // "created host esx1", "installed type1 on esx1", ...
 * }</pre>
 *
 * <p>EXPERIMENTAL, and so are the facade methods that return it: hyperlab makes these records and adds components
 * to them as features land, which changes their constructor. Read them by their accessors (every accessor stays); do
 * not construct them.
 *
 * @param changes what it created or set, in the order it did it ({@code created host esx1}, {@code created vm web1},
 *     {@code installed type1 on esx1}, {@code set start policy of esx1})
 * @param unchanged the entities it found already as declared ({@code host esx1}, {@code vm web1})
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record ApplyResult(List<String> changes, List<String> unchanged) {
    public ApplyResult {
        changes = List.copyOf(changes);
        unchanged = List.copyOf(unchanged);
    }
}
