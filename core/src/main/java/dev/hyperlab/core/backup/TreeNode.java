package dev.hyperlab.core.backup;

import dev.hyperlab.core.hostfs.FileStat;
import dev.hyperlab.core.hostfs.FileType;
import dev.hyperlab.core.hostfs.Xattr;
import java.util.List;

/**
 * One entry of a directory in a file backup: its name (bytes, as Linux has them), what the file was (type, permission
 * bits, owner, times, size, inode, links, device), its extended attributes, and where its content is: for a regular
 * file the pieces of its content (file offset, length, blob; what no piece covers is a hole), for a directory its
 * tree, for a symbolic link its target.
 *
 * <p>The change time, inode and device are kept to tell whether the file changed since this backup (and which names
 * are hard links of one file); a restore cannot set a change time. Access times are not kept, as borg does by default:
 * reading a file changes its access time, so keeping it would make every backup's trees new.
 *
 * @param nlink hard links the file had; with {@code ino} and {@code dev}, how a restore recreates hard links
 * @param dev {@code major << 32 | minor} of the device holding it
 * @param rdev for a device file, the device it is ({@code major << 32 | minor}); 0 otherwise
 * @param target a symbolic link's target; empty otherwise
 * @param content a regular file's pieces, ascending and within its size (blob offsets are 0); empty otherwise
 * @param subtree a directory's tree; null otherwise
 */
record TreeNode(
        byte[] name, FileType type, int mode, int uid, int gid, String user, String group,
        long mtimeSec, int mtimeNsec, long ctimeSec, int ctimeNsec, long size, long ino, long dev, long nlink,
        long rdev, byte[] target, List<Xattr> xattrs, List<Piece> content, ObjectId subtree) {

    private static final byte[] NONE = new byte[0];

    TreeNode {
        xattrs = List.copyOf(xattrs);
        content = List.copyOf(content);
    }

    /**
     * A node for {@code name} from what a stat said; {@code content} and {@code subtree} as its type needs them.
     */
    static TreeNode of(byte[] name, FileStat st, String user, String group, byte[] target, List<Xattr> xattrs,
            List<Piece> content, ObjectId subtree) {
        boolean device = st.type() == FileType.CHAR_DEVICE || st.type() == FileType.BLOCK_DEVICE;
        return new TreeNode(name, st.type(), st.mode(), st.uid(), st.gid(), user, group, st.mtimeSec(),
                st.mtimeNsec(), st.ctimeSec(), st.ctimeNsec(), st.type() == FileType.FILE ? st.size() : 0, st.ino(),
                st.dev(), st.nlink(), device ? st.rdev() : 0, target == null ? NONE : target, xattrs, content,
                subtree);
    }

    /** This node with another content list (a file whose content was read again). */
    TreeNode withContent(List<Piece> pieces) {
        return new TreeNode(name, type, mode, uid, gid, user, group, mtimeSec, mtimeNsec, ctimeSec, ctimeNsec, size,
                ino, dev, nlink, rdev, target, xattrs, pieces, subtree);
    }

    /** This node with another tree (a directory whose tree was built). */
    TreeNode withSubtree(ObjectId tree) {
        return new TreeNode(name, type, mode, uid, gid, user, group, mtimeSec, mtimeNsec, ctimeSec, ctimeNsec, size,
                ino, dev, nlink, rdev, target, xattrs, content, tree);
    }

    /**
     * Whether a file with this stat is, as far as the file system can tell without reading it, the file this node
     * describes: same type, size, modification and change times and inode. A change of content, permissions,
     * owner, links or extended attributes changes the change time; the device is left out, since it changes across
     * reboots for some file systems (as restic leaves it out).
     */
    boolean unchanged(FileStat st) {
        // only a regular file's size is kept (a symbolic link's is its target's length, which its times cover)
        return st.type() == type && (type == FileType.FILE ? st.size() : 0) == size && st.mtimeSec() == mtimeSec && st.mtimeNsec() == mtimeNsec
                && st.ctimeSec() == ctimeSec && st.ctimeNsec() == ctimeNsec && st.ino() == ino;
    }

    /**
     * Whether {@link #of} with this stat and these owner names, and this node's name, target, extended attributes,
     * content and tree, would make a node {@link #sameAs} this one: a file {@link #unchanged} since this node, whose
     * permissions, owner, links and device are also as recorded, can keep this very node.
     */
    boolean sameStat(FileStat st, String user, String group) {
        boolean device = type == FileType.CHAR_DEVICE || type == FileType.BLOCK_DEVICE;
        return unchanged(st) && st.mode() == mode && st.uid() == uid && st.gid() == gid && st.dev() == dev
                && st.nlink() == nlink && (device ? st.rdev() : 0) == rdev && this.user.equals(user)
                && this.group.equals(group);
    }

    /**
     * Whether this node and {@code o} encode to the same bytes in a tree: every field alike (arrays and lists by
     * content). A directory whose nodes are all the same as its parent backup's keeps the parent's tree.
     */
    boolean sameAs(TreeNode o) {
        return this == o || type == o.type && mode == o.mode && uid == o.uid && gid == o.gid && mtimeSec == o.mtimeSec
                && mtimeNsec == o.mtimeNsec && ctimeSec == o.ctimeSec && ctimeNsec == o.ctimeNsec && size == o.size
                && ino == o.ino && dev == o.dev && nlink == o.nlink && rdev == o.rdev
                && java.util.Arrays.equals(name, o.name) && user.equals(o.user) && group.equals(o.group)
                && java.util.Arrays.equals(target, o.target) && sameXattrs(xattrs, o.xattrs)
                && (content == o.content || content.equals(o.content)) && java.util.Objects.equals(subtree, o.subtree);
    }

    static boolean sameXattrs(List<Xattr> a, List<Xattr> b) {
        if (a == b) {
            return true;
        }
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!java.util.Arrays.equals(a.get(i).name(), b.get(i).name())
                    || !java.util.Arrays.equals(a.get(i).value(), b.get(i).value())) {
                return false;
            }
        }
        return true;
    }

    /** Data bytes of a regular file: its length less its holes. */
    long dataBytes() {
        long n = 0;
        for (Piece p : content) {
            n += p.length();
        }
        return n;
    }
}
