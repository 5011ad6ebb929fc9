/**
 * The engine: a lab of hosts and VMs on one deterministic simulation.
 *
 * <p>This package is the lab itself: {@link dev.hyperlab.core.engine.LabModel} (the model's state, its lookups, the
 * event dispatch and a one-line delegation per facade operation) and the operations by concern: hosts
 * ({@code HostOperations}), defining and deleting VMs ({@code VmDefinitions}), batch starts and waits
 * ({@code VmStarts}), the timeline ({@code LabTimeline}), clones, migrations, changes and renames ({@code VmClones},
 * {@code VmMigrations}, {@code VmChanges}, {@code VmRenames}), the lab's disks, backups and snapshots
 * ({@code LabDisks}, {@code LabBackups}, {@code Snapshots}, {@code VmStateDoc}), plugin origins
 * ({@code PluginOrigins}), what the machines see ({@code LabEnv}), guest I/O and saving the whole lab
 * ({@code LabCodec}). Below it, each
 * sub-package one concern, depending only downwards (EnginePackagesTest checks the compiled classes for loops):
 * <ul>
 *   <li>{@code machine}: hosts and VMs, their plans and steps, start queues, boot plans and the memory manager. A
 *       machine sees the lab only through {@code MachineEnv}; each class of a machine (the machine, its step under
 *       way, its timeline rows) is the only writer of its fields, a VM's memory account is written only by the memory
 *       manager (MachineStateTest). A second backend (issue 16) plugs in
 *       here: the lab drives machines through their operations and reads them through their views.
 *   <li>{@code lifecycle}: the VM and host transition tables;
 *   <li>{@code snapshot}: a VM's snapshot records and tree, and the job a killed process leaves under way;
 *   <li>{@code image}: where disk images live (files, memory, a dry run's fork), their snapshots and boot layouts;
 *   <li>{@code extension}: the firmware and driver registry (built-in and plugins');
 *   <li>{@code persist}: reading and writing the saved document's parts.
 * </ul>
 */
package dev.hyperlab.core.engine;
