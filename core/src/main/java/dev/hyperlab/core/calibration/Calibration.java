package dev.hyperlab.core.calibration;

/**
 * Every number the model uses, in one place, each tagged with its key in docs/calibration.md, where its public source
 * and the arithmetic of any derivation are given ({@code // calibration: KEY}). CalibrationDocTest fails the build
 * when a key here has no row in that document. Where the document lists a gap, the effect is left out rather than
 * given an invented number.
 *
 * <p>Units are in the names: {@code _S} seconds, {@code _NS} nanoseconds, {@code _BW} bytes per second, {@code _IOPS}
 * operations per second, {@code _BYTES} bytes. CPU work of a boot phase is given in seconds on the reference core
 * ({@link #REFERENCE_CORE_GHZ}) and turned into cycles with it, so a default host reproduces the published times.
 */
public final class Calibration {
    private Calibration() {}

    // ---- Disks (datasheets) ------------------------------------------------------------------------------------
    public static final double NVME_READ_BW = 6500e6; // calibration: disk.nvme.seq_read_mb_s
    public static final double NVME_WRITE_BW = 3500e6; // calibration: disk.nvme.seq_write_mb_s
    public static final double NVME_READ_IOPS = 900_000; // calibration: disk.nvme.rand_read_iops
    public static final double NVME_WRITE_IOPS = 200_000; // calibration: disk.nvme.rand_write_iops
    public static final long NVME_LATENCY_NS = 85_000; // calibration: disk.nvme.read_latency_us
    public static final double SSD_READ_BW = 500e6; // calibration: disk.ssd.seq_read_mb_s
    public static final double SSD_WRITE_BW = 490e6; // calibration: disk.ssd.seq_write_mb_s
    public static final double SSD_READ_IOPS = 72_000; // calibration: disk.ssd.rand_read_iops
    public static final double SSD_WRITE_IOPS = 33_000; // calibration: disk.ssd.rand_write_iops
    public static final long SSD_LATENCY_NS = 110_000; // calibration: disk.ssd.read_latency_us
    public static final double HDD_BW = 270e6; // calibration: disk.hdd.seq_mb_s
    public static final double HDD_IOPS = 81; // calibration: disk.hdd.rand_iops
    public static final long HDD_LATENCY_NS = 12_360_000; // calibration: disk.hdd.seek_ms (+ disk.hdd.rotational_latency_ms)

    /** Linux's default readahead: the request size of a sequential read such as loading a kernel. */
    public static final long SEQUENTIAL_REQUEST_BYTES = 128L << 10; // calibration: io.sequential_request_kib

    // ---- Hosts ---------------------------------------------------------------------------------------------------
    public static final double REFERENCE_CORE_GHZ = 2.1; // calibration: host.cpu.example_server
    public static final int DEFAULT_HOST_CORES = 22; // calibration: host.cpu.example_server

    // ---- Hosts: firmware POST and boot-device search -------------------------------------------------------------
    public static final double HOST_POST_BASE_S = 6; // calibration: host.post.base_s
    public static final double HOST_POST_MEMORY_S_PER_GIB = 0.75; // calibration: host.post.mem_s_per_gib
    public static final double HOST_POST_NIC_OPTION_ROM_S = 2; // calibration: host.post.optrom_nic_prompt_s
    public static final double PXE_DHCP_TIMEOUT_S = 4 + 8 + 16 + 32; // calibration: host.bootdev.pxe_spec_dhcp_timeouts_s
    public static final double IPXE_DHCP_TIMEOUT_S = 1 + 2 + 4 + 8; // calibration: host.bootdev.ipxe_dhcp_timeouts_s

    // ---- Hosts: boot loader and OS -------------------------------------------------------------------------------
    public static final double GRUB_TIMEOUT_S = 5; // calibration: host.loader.grub_timeout_s
    public static final double GRUB_LOAD_S = 2.643; // calibration: host.loader.grub_load_s
    public static final double LINUX_HOST_KERNEL_S = 1.784; // calibration: host.linux.kernel_s
    public static final double LINUX_HOST_INITRD_S = 4.348; // calibration: host.linux.initrd_s
    public static final double LINUX_HOST_USERSPACE_S = 6.999; // calibration: host.linux.userspace_server_s
    /** A Windows desktop host from its splash screen to the desktop with its start-up services settled. */
    public static final double WINDOWS_DESKTOP_HOST_BOOT_S = 63; // calibration: host.windows_desktop.boot_s
    /** A type 2 hypervisor's kernel modules loading once the host OS is up (VirtualBox's vboxdrv). */
    public static final double TYPE2_MODULES_S = 1.098; // calibration: hv.type2.modules_s
    public static final double TYPE2_AUTOSTART_DELAY_S = 0; // calibration: hv.type2.autostart_delay_s

    // ---- Hypervisor costs ----------------------------------------------------------------------------------------
    /** Slowdown each other piece of work on a host's cores adds, per core left to VMs (section 6.1). */
    public static final double CPU_CORUNNER_SLOWDOWN = 0.485; // calibration: contention.cpu.corunner_slowdown
    /** Slowdown each task switch per scheduling period on a core adds, once work outnumbers the cores (section 6.1). */
    public static final double CPU_OVERSUBSCRIBED_SLOWDOWN = 0.075; // calibration: contention.cpu.oversubscribed_slowdown
    /** The most task switches per scheduling period a core makes: Linux CFS's sched_latency / min_granularity. */
    public static final int CPU_SCHED_NR_LATENCY = 8; // calibration: contention.cpu.sched_nr_latency
    /** Cores the host keeps for itself when co-runner slowdown is spread over the rest. */
    public static final int HOST_RESERVED_CORES = 1; // calibration: contention.cpu.host_reserved_cores
    public static final double TYPE1_CPU_TAX = 0.05; // calibration: hv.cpu_tax.type1
    public static final double TYPE2_CPU_TAX = 0.05; // calibration: hv.cpu_tax.type2
    /** Co-runners the host OS under a type 2 hypervisor adds to every VM's CPU work (a proxy; section 3.3). */
    public static final int TYPE2_HOST_OS_CORUNNERS = 1; // calibration: hv.type2.host_os_corunners
    public static final double TYPE2_DISK_FACTOR = 0.1; // calibration: hv.type2.disk_factor
    public static final long TYPE1_HOST_RESERVE_BYTES = 1L << 30; // calibration: hv.proxmox.host_reserve_gib
    public static final long TYPE2_HOST_OS_BYTES = 4_000_000_000L; // calibration: hv.type2.host_os_min_ram_gb
    public static final long QEMU_VM_OVERHEAD_BYTES = 30L << 20; // calibration: hv.kvm.qemu_vm_overhead_mib
    public static final long FIRECRACKER_VM_OVERHEAD_BYTES = 5L << 20; // calibration: hv.firecracker.vm_overhead_mib

    // ---- VMs: VMM and virtual firmware ---------------------------------------------------------------------------
    public static final double QEMU_START_S = 0.033; // calibration: vmm.qemu.start_s
    public static final double FIRECRACKER_START_S = 0.012; // calibration: vmm.firecracker.start_s
    public static final double SEABIOS_S = 0.154; // calibration: vm.fw.seabios_s
    public static final double OVMF_S = 0.95; // calibration: vm.fw.ovmf_s

    // ---- VMs: guest OS boots -------------------------------------------------------------------------------------
    public static final double VM_GRUB_TIMEOUT_CLOUD_S = 0; // calibration: vm.loader.grub_timeout_cloud_s
    public static final double VM_GRUB_TIMEOUT_INSTALLED_S = 5; // calibration: vm.loader.grub_timeout_installed_s
    public static final long VMLINUZ_BYTES = Math.round(10.1 * (1 << 20)); // calibration: vm.kernel.vmlinuz_mib
    public static final long INITRD_BYTES = 84_000_000L; // calibration: vm.kernel.initrd_mb
    public static final double VM_KERNEL_S = 1.784; // calibration: vm.kernel.distro_s
    public static final double MICROVM_KERNEL_S = 0.091; // calibration: vm.kernel.minimal_s
    public static final double LINUX_SERVER_USERSPACE_S = 6.999; // calibration: os.linux_server.userspace_s
    public static final double LINUX_DESKTOP_KERNEL_S = 2.236; // calibration: os.linux_desktop.kernel_s
    public static final double LINUX_DESKTOP_INITRD_S = 4.348; // calibration: os.linux_desktop.kernel_s
    public static final double LINUX_DESKTOP_USERSPACE_S = 10.082; // calibration: os.linux_desktop.kernel_s
    public static final double WINDOWS_VM_BOOT_S = 150; // calibration: os.windows_server.boot_s
    public static final long WINDOWS_BOOT_READ_BYTES = 420_000_000L; // calibration: os.windows.boot_read_mb
    public static final long WINDOWS_BOOT_WRITE_BYTES = 24_000_000L; // calibration: os.windows.boot_read_mb
    public static final long WINDOWS_BOOT_IOS = 20_000; // calibration: os.windows.boot_read_mb
    public static final double WINDOWS_BOOT_READ_FRACTION = 0.84; // calibration: storm.win_desktop.read_fraction

    // ---- VMs: guest shutdown (ACPI power button to powered off) ---------------------------------------------------
    public static final double LINUX_SHUTDOWN_S = 12; // calibration: os.linux.shutdown_s
    public static final double WINDOWS_SHUTDOWN_S = 22; // calibration: os.windows.shutdown_s
    public static final double SHUTDOWN_TIMEOUT_S = 180; // calibration: policy.proxmox.shutdown_timeout_s

    // ---- Guest drivers -------------------------------------------------------------------------------------------
    public static final double VIRTIO_BLK_READ_FACTOR = 0.60; // calibration: drv.virtio_blk.read_iops_factor
    public static final double VIRTIO_BLK_WRITE_FACTOR = 0.93; // calibration: drv.virtio_blk.write_iops_factor
    /** A guest kernel probing one PCI device for its driver (virtio, or the emulated controller's driver). */
    public static final double PCI_DRIVER_PROBE_S = 0.167033 / 5; // calibration: drv.pci_probe_s
    public static final double EMULATED_DISK_FACTOR = 0.5; // calibration: drv.emulated_disk.vs_virtio_factor
    /** Throughput of QEMU's emulated e1000 relative to virtio-net as shipped (the smaller end of 20-77x). */
    public static final double EMULATED_NET_FACTOR = 1.0 / 20; // calibration: drv.emulated_net.vs_virtio_factor
    /** Bytes a second one virtio-net TCP stream carries (9.83 Gbit/s guest to host). */
    public static final double NET_VIRTIO_STREAM_BYTES_S = 9.83e9 / 8; // calibration: drv.virtio_net.stream_gbit_s
    /** Reference-core seconds of host CPU per byte through virtio-net: one core per stream at its measured rate. */
    public static final double NET_VIRTIO_CORE_S_PER_BYTE = // calibration: drv.virtio_net.core_s_per_byte
            1 / NET_VIRTIO_STREAM_BYTES_S;

    // ---- Start policies ------------------------------------------------------------------------------------------
    /** A warm base-image cache serves a repeated read of the same base blocks from host memory. */
    public static final double BASE_CACHE_HIT_RATIO = 1.0; // calibration: policy.base_image_cache

    // ---- Memory overcommit (section 7) ---------------------------------------------------------------------------
    public static final double BALLOON_INFLATE_BPS = 1737.0 * (1 << 20); // calibration: mem.balloon.virtio_free_inflate_mib_s
    public static final double BALLOON_MAX_FRACTION = 0.65; // calibration: mem.esxi.balloon_max_pct
    public static final double AUTO_BALLOON_TARGET_USED = 0.80; // calibration: mem.proxmox.balloon_target_pct
    public static final long AUTO_BALLOON_MAX_CHANGE_BYTES = 100L << 20; // calibration: mem.proxmox.max_change_mib_per_cycle
    public static final double AUTO_BALLOON_CYCLE_S = 10; // calibration: mem.proxmox.cycle_s
    public static final double KSM_SCAN_PAGES_PER_S = 100 / 0.020; // calibration: mem.ksm.scan_rate_pages_s
    public static final double SHARING_IDENTICAL_FRACTION = 0.60; // calibration: mem.sharing.identical_fraction
    public static final double SHARING_DIVERSE_FRACTION = 0.26; // calibration: mem.sharing.diverse_fraction
    public static final long SWAP_CLUSTER_BYTES = 8 * 4096; // calibration: mem.swap.readahead_pages
    public static final long MINFREE_BASE_BYTES = 899L * 1_000_000; // calibration: mem.esxi.minfree_mb
    public static final double MINFREE_ABOVE_28GB_FRACTION = 0.01; // calibration: mem.esxi.minfree_mb
    public static final double STATE_HIGH = 4.00; // calibration: mem.esxi.state.high_pct_minfree
    public static final double STATE_CLEAR = 1.00; // calibration: mem.esxi.state.clear_pct_minfree
    public static final double STATE_SOFT = 0.64; // calibration: mem.esxi.state.soft_pct_minfree
    public static final double STATE_HARD = 0.32; // calibration: mem.esxi.state.hard_pct_minfree
    public static final double STATE_LOW = 0.16; // calibration: mem.esxi.state.low_pct_minfree

    // ---- Guest memory footprint (section 7.5) -------------------------------------------------------------------
    public static final double WINDOWS_BOOT_TOUCH_FRACTION = 1.0; // calibration: mem.guest.windows.boot_touch_fraction
    public static final double WINDOWS_ZERO_BPS_PER_VCPU = 1.25 * (1L << 30); // calibration: mem.guest.windows.boot_zero_gib_per_vcpu_s
    public static final long WINDOWS_SERVER_WORKING_SET_BYTES = 2048L * 1_000_000; // calibration: mem.guest.profile.windows_server_min_mb
    public static final long LINUX_SERVER_BOOT_TOUCHED_BYTES = 281L << 20; // calibration: mem.guest.linux_server.boot_touched_mib
    public static final long LINUX_DESKTOP_IDLE_USED_BYTES = 1024L << 20; // calibration: mem.guest.linux_desktop.idle_used_mib
    public static final long MICROVM_FOOTPRINT_BYTES = 128L << 20; // calibration: mem.guest.profile.microvm_default_mib

    // ---- Running guests' disk writes (section 6) ------------------------------------------------------------------
    public static final double WIN_DESKTOP_STEADY_IOPS = 10; // calibration: storm.win_desktop.steady_iops
    public static final double WIN_DESKTOP_STEADY_WRITE_FRACTION = 0.75; // calibration: storm.win_desktop.steady_write_fraction
    public static final long WIN_DESKTOP_STEADY_WRITE_BYTES = 4096; // calibration: storm.win_desktop.steady_write_kib

    // ---- Running guests' workloads (section 9) --------------------------------------------------------------------
    public static final double WORK_INTERACTIVE_CPU_PER_VCPU = 0.30; // calibration: work.interactive.cpu_per_vcpu
    public static final double WORK_WEB_READ_IOPS = 100; // calibration: work.web.read_iops
    public static final long WORK_WEB_READ_BYTES = 20 << 10; // calibration: work.web.read_kib
    public static final double WORK_DB_DATA_IOPS = 1200; // calibration: work.database.data_iops
    public static final double WORK_DB_DATA_READ_FRACTION = 0.70; // calibration: work.database.data_read_fraction
    public static final double WORK_DB_LOG_IOPS = 300; // calibration: work.database.log_iops
    public static final long WORK_DB_IO_BYTES = 8 << 10; // calibration: work.database.io_kib
    public static final double WORK_DESKTOP_CPU_PER_VCPU = 0.10; // calibration: work.desktop.cpu_per_vcpu
    public static final double WORK_BUILD_CPU_PER_VCPU = 1.0; // calibration: work.build.cpu_per_vcpu
    /** A web server sends what it reads from its disk: 100 reads/s of 20 KiB (assumed, Gaps 41). */
    public static final double WORK_WEB_NET_TX_BYTES_S = // calibration: work.web.net_tx
            WORK_WEB_READ_IOPS * WORK_WEB_READ_BYTES;
    /** A database receives what it writes and sends what it reads (assumed, Gaps 41). */
    public static final double WORK_DB_NET_RX_BYTES_S = // calibration: work.database.net_rx
            (WORK_DB_DATA_IOPS * (1 - WORK_DB_DATA_READ_FRACTION) + WORK_DB_LOG_IOPS) * WORK_DB_IO_BYTES;
    public static final double WORK_DB_NET_TX_BYTES_S = // calibration: work.database.net_tx
            WORK_DB_DATA_IOPS * WORK_DB_DATA_READ_FRACTION * WORK_DB_IO_BYTES;

    // ---- Live migration (section 10) -------------------------------------------------------------------------------
    public static final double MIGRATE_LINK_GBIT_S = 10; // calibration: vm.migrate.link_gbit_s
    public static final long MIGRATE_DOWNTIME_LIMIT_MS = 300; // calibration: vm.migrate.live.downtime_limit_ms
    public static final double MIGRATE_THROTTLE_TRIGGER = 0.50; // calibration: vm.migrate.live.throttle_trigger
    public static final int MIGRATE_THROTTLE_INITIAL = 20; // calibration: vm.migrate.live.throttle_initial_pct
    public static final int MIGRATE_THROTTLE_INCREMENT = 10; // calibration: vm.migrate.live.throttle_increment_pct
    public static final int MIGRATE_THROTTLE_MAX = 99; // calibration: vm.migrate.live.throttle_max_pct
    public static final int MIGRATE_MAX_ROUNDS = 1000; // calibration: vm.migrate.live.max_rounds
}
