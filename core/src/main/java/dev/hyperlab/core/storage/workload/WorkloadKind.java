package dev.hyperlab.core.storage.workload;

/** Kinds of guest data, each with the compressibility and duplication of its real counterpart. */
public enum WorkloadKind {
    /** Installed OS files: mostly machine code and compressed packages (compress poorly, ~1.1x), identical across
     * VMs of the same profile, with some text configuration among them. */
    OS_FILES,
    /** Append-only text logs: timestamped lines from a small vocabulary (compress ~5-10x). */
    LOGS,
    /** Database pages: 8 KiB pages with headers, slot arrays and rows of repeated structure (compress ~2-4x). */
    DATABASE
}
