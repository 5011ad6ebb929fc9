package dev.hyperlab.core.storage.fs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Compares what a {@link FileSystem} holds with the directory tree the tools were given. */
final class TreeComparison {
    private TreeComparison() {}

    /** Every entry of {@code fs} by its path from the root ({@code a/b}, names as UTF-8). */
    static TreeMap<String, FsNode> entries(FileSystem fs) throws IOException {
        TreeMap<String, FsNode> out = new TreeMap<>();
        FsPaths.walk(fs, fs.root(), Comparator.comparing(n -> new String(n.name(), StandardCharsets.UTF_8)), (path, node) -> {
            List<String> names = new ArrayList<>();
            for (byte[] n : path) names.add(new String(n, StandardCharsets.UTF_8));
            out.put(String.join("/", names), node);
        });
        return out;
    }

    /**
     * Asserts that {@code fs} holds exactly the entries of {@code source} (besides {@code ignore} at its root) with the
     * same bytes and sizes; with {@code unix}, also modes, owners, link counts, symbolic link targets and mtimes to the
     * nanosecond (FAT keeps none of these but the mtime, to 2 seconds).
     */
    static void assertSame(Path source, FileSystem fs, boolean unix, String... ignore) throws IOException {
        TreeMap<String, FsNode> found = entries(fs);
        for (String i : ignore) found.remove(i);
        TreeMap<String, Path> expected = SourceTree.entries(source);
        assertThat(found.keySet()).containsExactlyElementsOf(expected.keySet());
        for (Map.Entry<String, Path> e : expected.entrySet()) {
            Path p = e.getValue();
            FsNode n = found.get(e.getKey());
            String what = e.getKey();
            FsNode.Kind kind = SourceTree.isLink(p) ? FsNode.Kind.SYMLINK : SourceTree.isDir(p) ? FsNode.Kind.DIRECTORY
                    : Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) ? FsNode.Kind.FILE : FsNode.Kind.FIFO;
            assertThat(n.kind()).as(what).isEqualTo(kind);
            long mtime = Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toInstant().getEpochSecond();
            if (kind == FsNode.Kind.FILE) {
                assertThat(n.size()).as(what).isEqualTo(Files.size(p));
                assertContent(fs, n, p);
            }
            if (unix) {
                int mode = (int) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
                if (kind != FsNode.Kind.SYMLINK) assertThat(Integer.toOctalString(n.mode())).as(what).isEqualTo(Integer.toOctalString(mode & 07777));
                assertThat(n.uid()).as(what).isEqualTo((int) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS));
                assertThat(n.gid()).as(what).isEqualTo((int) Files.getAttribute(p, "unix:gid", LinkOption.NOFOLLOW_LINKS));
                if (kind != FsNode.Kind.DIRECTORY) {
                    assertThat(n.links()).as(what).isEqualTo((int) Files.getAttribute(p, "unix:nlink", LinkOption.NOFOLLOW_LINKS));
                }
                if (kind == FsNode.Kind.SYMLINK) {
                    assertThat(new String(n.target(), StandardCharsets.UTF_8)).as(what).isEqualTo(Files.readSymbolicLink(p).toString());
                    assertThat(n.size()).as(what).isEqualTo(n.target().length);
                }
                if (kind != FsNode.Kind.SYMLINK) assertThat(n.mtimeSeconds()).as(what).isEqualTo(mtime);
            } else if (kind == FsNode.Kind.FILE) {
                assertThat(n.mtimeSeconds()).as(what).isEqualTo(mtime / 2 * 2);
            }
        }
    }

    /** The file's bytes as the reader gives them equal the source's: ranges in order, holes all zeros. */
    static void assertContent(FileSystem fs, FsNode n, Path p) throws IOException {
        try (FileChannel src = FileChannel.open(p)) {
            long[] covered = {0, 0}; // end of the last range, stored bytes
            fs.read(n, (offset, bytes) -> {
                assertThat(offset).as("%s: ranges in order", p).isGreaterThanOrEqualTo(covered[0]);
                assertZeros(src, covered[0], offset, p);
                ByteBuffer want = ByteBuffer.allocate(bytes.remaining());
                src.read(want, offset);
                byte[] got = new byte[bytes.remaining()];
                bytes.get(got);
                assertThat(Arrays.equals(got, want.array())).as("%s: bytes at %d", p, offset).isTrue();
                covered[0] = offset + got.length;
                covered[1] += got.length;
            });
            assertThat(covered[0]).as(p.toString()).isLessThanOrEqualTo(n.size());
            assertZeros(src, covered[0], n.size(), p);
            assertThat(n.dataBytes()).as("%s: stored bytes", p).isEqualTo(covered[1]);
        }
    }

    /** The source holds zeros in {@code [from, to)}: checked where the source stores data (the rest is a hole there too). */
    private static void assertZeros(FileChannel src, long from, long to, Path p) throws IOException {
        if (to - from > (64 << 20)) {
            return; // the big sparse file's holes: its data ranges are compared, the holes between are holes in both
        }
        ByteBuffer b = ByteBuffer.allocate((int) (to - from));
        src.read(b, from);
        for (int i = 0; i < b.position(); i++) {
            if (b.get(i) != 0) throw new AssertionError(p + ": byte " + (from + i) + " is not in a range the reader gave");
        }
    }
}
