package dev.hyperlab.api.lab;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.List;
import org.apiguardian.api.API;

/**
 * What {@code profiles} lists: the OS profiles, firmware models and guest drivers a VM or host can use.
 *
 * <pre>{@code
 * lab.profiles().firmware().forEach(f -> System.out.println(f.id() + " from " + f.source()));
 * }</pre>
 *
 * <p>EXPERIMENTAL, and so are the facade methods that return it: hyperlab makes these records and adds components
 * to them as features land, which changes their constructor. Read them by their accessors (every accessor stays); do
 * not construct them.
 *
 * @param os OS profiles, sorted by id
 * @param firmware firmware models, sorted by id
 * @param drivers guest drivers, sorted by id
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record Profiles(List<OsProfileInfo> os, List<ExtensionInfo> firmware, List<ExtensionInfo> drivers) {

    /**
     * An OS profile: what {@code --os} gives a VM.
     *
     * @param id profile id
     * @param description one line for people
     * @param firmware the firmware it boots with unless told otherwise
     * @param inboxDrivers drivers the OS ships with
     * @param baseImageSize virtual size of its base image in bytes
     */
    @API(status = EXPERIMENTAL, since = "0.1")
    public record OsProfileInfo(
            String id, String description, String firmware, List<String> inboxDrivers, long baseImageSize) {}

    /**
     * A firmware model or guest driver.
     *
     * @param id what {@code --firmware} / {@code --driver} take
     * @param description one line for people
     * @param source {@code built-in} or the id of the plugin that provides it
     */
    @API(status = EXPERIMENTAL, since = "0.1")
    public record ExtensionInfo(String id, String description, String source) {}
}
