package dev.hyperlab.core.backup;

import java.nio.file.Path;

/**
 * Where a restore of several disks puts each: {@code DIR/NAME.EXT}. Disk names come from manifests, which may be
 * hostile; manifests with bad names are refused when read, and this check holds on its own besides, so no name can
 * lead a restore out of the directory it was given, whatever a manifest says.
 */
public final class RestoreFiles {
    private RestoreFiles() {}

    /**
     * The file disk {@code disk} is restored to in {@code dir}: always directly inside it.
     *
     * @param extension {@code .raw} or {@code .qcow2}
     * @throws RepositoryException when the name is not a plain file name ({@code ..}, a separator, an absolute path,
     *     control characters, empty or over-long) or the file would not be directly inside {@code dir}
     */
    public static Path fileIn(Path dir, String disk, String extension) throws RepositoryException {
        if (!DiskNames.valid(disk)) {
            throw new RepositoryException("refusing to restore disk " + DiskNames.quote(disk) + ": not a plain file name ("
                    + DiskNames.RULE + "; the backup's manifest is damaged or forged)");
        }
        Path base = dir.toAbsolutePath().normalize();
        Path file = base.resolve(disk + extension).normalize();
        if (!base.equals(file.getParent())) {
            throw new RepositoryException("refusing to restore disk " + DiskNames.quote(disk) + " to " + file
                    + ": outside " + base);
        }
        return file;
    }
}
