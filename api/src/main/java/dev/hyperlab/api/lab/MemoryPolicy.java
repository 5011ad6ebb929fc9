package dev.hyperlab.api.lab;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

/**
 * How a host's hypervisor reclaims memory when its VMs are promised more than it has ({@code mem policy}).
 *
 * <pre>{@code
 * Host h = lab.host("kvm1");
 * h.setMemoryPolicy(h.memoryPolicy().withSwap(Sizes.parse("32GiB")).withPageSharing(true));
 * }</pre>
 *
 * @param autoBalloon shrink the balloon targets of VMs with a balloon driver when host memory runs short, in
 *     proportion to their shares and never below their floor, and grow them back when memory returns
 * @param swapBytes host swap space for guest memory (0: none, so memory beyond RAM cannot be given)
 * @param pageSharing merge identical guest pages (KSM / TPS), at a scan rate that costs time
 */
@API(status = STABLE, since = "0.1")
public record MemoryPolicy(boolean autoBalloon, long swapBytes, boolean pageSharing) {
    public MemoryPolicy {
        if (swapBytes < 0) {
            throw LabException.invalid("the {swap} size must be 0 or more", "e.g. 32GiB");
        }
    }

    public MemoryPolicy withAutoBalloon(boolean on) {
        return new MemoryPolicy(on, swapBytes, pageSharing);
    }

    public MemoryPolicy withSwap(long bytes) {
        return new MemoryPolicy(autoBalloon, bytes, pageSharing);
    }

    public MemoryPolicy withPageSharing(boolean on) {
        return new MemoryPolicy(autoBalloon, swapBytes, on);
    }
}
