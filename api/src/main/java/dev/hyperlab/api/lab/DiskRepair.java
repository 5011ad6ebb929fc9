package dev.hyperlab.api.lab;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

/**
 * What {@code disk repair} did, as {@code qemu-img check -r all} reports it: the image's check before, its check after
 * (clean unless something was beyond repair), and whether the refcount table and blocks were rebuilt from scratch
 * because they could not be trusted at all. In a dry run nothing is written: {@code after} is {@code before}.
 *
 * <pre>{@code
 * DiskRepair r = lab.repairDisk("/images/web.qcow2");
 * System.out.println(r.corruptionsFixed() + " corruptions and " + r.leaksFixed() + " leaks repaired");
 * }</pre>
 *
 * @param path the image repaired
 * @param before what {@code disk check} found before
 * @param after what {@code disk check} finds now
 * @param rebuiltRefcounts true when a new refcount structure replaced the old one
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record DiskRepair(String path, DiskCheck before, DiskCheck after, boolean rebuiltRefcounts) {

    /** Corruptions the repair removed. */
    public long corruptionsFixed() {
        return Math.max(0, before.corruptions() - after.corruptions());
    }

    /** Leaked clusters the repair gave back. */
    public long leaksFixed() {
        return Math.max(0, before.leaks() - after.leaks());
    }
}
