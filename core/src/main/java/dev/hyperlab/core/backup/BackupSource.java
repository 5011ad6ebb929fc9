package dev.hyperlab.core.backup;

import dev.hyperlab.core.json.Json;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What to back up: a machine's name, its disks, its configuration (kept opaque, to define a VM from on restore) and
 * the lab time of the backup. Lab time, not the wall clock, so the same lab and commands give the same backups.
 *
 * @param name the machine's name; backups are grouped by it ({@code prune --keep-last} counts per name)
 * @param disks the disks, boot disk first, names unique
 * @param config JSON-able configuration: maps with string keys, lists, strings, numbers, booleans, nulls
 * @param labTime lab time in nanoseconds
 */
public record BackupSource(String name, List<SourceImage> disks, Map<String, Object> config, long labTime) {

    /** Checks names and copies the collections. */
    public BackupSource {
        if (name == null || name.isBlank() || name.length() > 128 || name.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("bad source name: " + name);
        }
        disks = List.copyOf(disks);
        if (disks.isEmpty()) {
            throw new IllegalArgumentException("nothing to back up: " + name + " has no disks");
        }
        Set<String> seen = new HashSet<>();
        for (SourceImage d : disks) {
            if (!seen.add(d.name())) {
                throw new IllegalArgumentException("two disks named " + d.name() + " in " + name);
            }
        }
        config = new LinkedHashMap<>(config);
        // fail now, with the path of the bad value, rather than halfway through the backup
        Json.write(config);
        if (labTime < 0) {
            throw new IllegalArgumentException("negative lab time " + labTime);
        }
    }
}
