package dev.hyperlab.api.spi;

import static org.apiguardian.api.API.Status.STABLE;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import org.apiguardian.api.API;

/**
 * The version of the hyperlab api a running hyperlab provides, as plugins state what they need in
 * {@code plugin.requires} (PF4J's descriptor): a plugin whose requirement this version does not meet is refused with
 * both versions named. Semantic versioning: within one major version (within one minor version while the major is 0)
 * a STABLE type changes only compatibly, which the build checks against the last release.
 *
 * <pre>{@code
 * String v = ApiVersion.current(); // "0.1.0"
 * }</pre>
 */
@API(status = STABLE, since = "0.1")
public final class ApiVersion {
    private static final String CURRENT = load();

    private ApiVersion() {}

    /**
     * The api version as {@code MAJOR.MINOR.PATCH}, without a build qualifier: a development build of 0.1.0
     * ({@code 0.1.0-SNAPSHOT}) provides 0.1.0.
     */
    public static String current() {
        return CURRENT;
    }

    private static String load() {
        // the build writes the project's version into this resource (Maven resource filtering), so it cannot drift
        try (InputStream in = ApiVersion.class.getResourceAsStream("api-version.properties")) {
            if (in == null) {
                throw new IllegalStateException("api-version.properties is missing from the hyperlab api jar");
            }
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version", "").trim();
            int dash = v.indexOf('-');
            return dash < 0 ? v : v.substring(0, dash);
        } catch (IOException e) {
            throw new UncheckedIOException("reading the hyperlab api version", e);
        }
    }
}
