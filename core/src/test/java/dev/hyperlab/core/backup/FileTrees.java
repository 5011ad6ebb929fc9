package dev.hyperlab.core.backup;

import dev.hyperlab.core.hostfs.DirEntry;
import dev.hyperlab.core.hostfs.FileStat;
import dev.hyperlab.core.hostfs.FileType;
import dev.hyperlab.core.hostfs.HostFs;
import dev.hyperlab.core.hostfs.Xattr;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Test helper: a directory tree of the host described line by line (name bytes, type, permissions, owner, group,
 * modification time to the nanosecond, size, allocated-or-not, a content hash, a link's target, extended attributes,
 * which names are hard links of one file), read through {@link HostFs} so that names that are not UTF-8 stay bytes.
 * Two trees with equal descriptions hold the same files with the same metadata.
 */
final class FileTrees {
    private FileTrees() {}

    /** The description of everything below {@code dir} (not of {@code dir} itself), names in byte order. */
    static List<String> describe(String dir) throws IOException {
        try (HostFs fs = HostFs.open()) {
            int fd = fs.openDirectory(HostFs.CWD, dir.getBytes(StandardCharsets.UTF_8), dir);
            try {
                List<String> out = new ArrayList<>();
                walk(fs, fd, "", new HashMap<>(), out);
                return out;
            } finally {
                fs.close(fd);
            }
        }
    }

    private static void walk(HostFs fs, int dir, String prefix, Map<Long, String> inodes, List<String> out)
            throws IOException {
        List<byte[]> names = new ArrayList<>();
        for (DirEntry e : fs.list(dir, prefix)) {
            names.add(e.name());
        }
        names.sort(Arrays::compareUnsigned);
        for (byte[] name : names) {
            String path = prefix + "/" + ByteNames.display(name);
            FileStat st = fs.stat(dir, name, path);
            StringBuilder d = new StringBuilder(path).append(' ').append(st.type()).append(' ')
                    .append(Integer.toOctalString(st.mode())).append(' ').append(st.uid()).append(':')
                    .append(st.gid());
            if (st.type() != FileType.SYMLINK) {
                d.append(" mtime=").append(st.mtimeSec()).append('.').append(st.mtimeNsec());
            }
            switch (st.type()) {
                case FILE -> {
                    d.append(" size=").append(st.size()).append(" sparse=").append(st.maybeSparse());
                    String first = st.nlink() > 1 ? inodes.putIfAbsent(st.ino(), path) : null;
                    if (first != null) {
                        d.append(" hardlink-of=").append(first);
                    }
                    int fd = fs.openForReading(dir, name, path);
                    try {
                        d.append(" sha=").append(sha(fs, fd, st.size(), path));
                        d.append(xattrs(fs.xattrs(fd, path)));
                    } finally {
                        fs.close(fd);
                    }
                }
                case SYMLINK -> d.append(" -> ").append(ByteNames.display(fs.readLink(dir, name, path)));
                case DIRECTORY -> {
                    int sub = fs.openDirectory(dir, name, path);
                    try {
                        d.append(xattrs(fs.xattrs(sub, path)));
                        out.add(d.toString());
                        walk(fs, sub, path, inodes, out);
                    } finally {
                        fs.close(sub);
                    }
                    continue;
                }
                default -> d.append(" rdev=").append(st.rdev());
            }
            out.add(d.toString());
        }
    }

    private static String sha(HostFs fs, int fd, long size, String what) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] buf = new byte[1 << 16];
        long pos = 0;
        while (pos < size) {
            int n = fs.read(fd, pos, buf, 0, (int) Math.min(buf.length, size - pos), what);
            if (n == 0) {
                break;
            }
            md.update(buf, 0, n);
            pos += n;
        }
        return HexFormat.of().formatHex(md.digest()).substring(0, 16);
    }

    private static String xattrs(List<Xattr> xs) {
        List<String> shown = new ArrayList<>();
        for (Xattr x : xs) {
            shown.add(new String(x.name(), StandardCharsets.UTF_8) + "=" + HexFormat.of().formatHex(x.value()));
        }
        shown.sort(null);
        return shown.isEmpty() ? "" : " xattrs=" + shown;
    }
}
