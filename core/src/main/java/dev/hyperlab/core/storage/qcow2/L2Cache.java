package dev.hyperlab.core.storage.qcow2;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Recently used L2 tables, decoded, bounded by bytes so a 2 MiB-cluster image cannot make it large. Write-through:
 * the image writes every changed entry to the file at once, so dropping a table loses nothing and the on-disk order
 * of metadata updates is the order of the calls (what crash safety depends on).
 */
final class L2Cache {
    private final int capacity;
    private final LinkedHashMap<Long, long[]> tables;

    L2Cache(int clusterSize) {
        this.capacity = Math.max(4, (4 << 20) / clusterSize);
        this.tables = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, long[]> eldest) {
                return size() > capacity;
            }
        };
    }

    long[] get(long offset) {
        return tables.get(offset);
    }

    void put(long offset, long[] table) {
        tables.put(offset, table);
    }

    void remove(long offset) {
        tables.remove(offset);
    }

    void clear() {
        tables.clear();
    }
}
