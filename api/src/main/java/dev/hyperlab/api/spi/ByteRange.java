package dev.hyperlab.api.spi;

import org.apiguardian.api.API;

/**
 * A range of bytes of a disk: {@code [offset, offset + length)}.
 *
 * <pre>{@code
 * ByteRange r = new ByteRange(65536, 4096);
 * long next = r.end();                       // 69632: the first byte after it
 * }</pre>
 *
 * @param offset first byte, zero or more
 * @param length number of bytes, more than zero
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public record ByteRange(long offset, long length) {

    /** Checks the range is not empty and does not start before the disk or wrap around. */
    public ByteRange {
        if (offset < 0 || length <= 0 || offset + length < offset) {
            throw new IllegalArgumentException("bad byte range " + offset + "+" + length);
        }
    }

    /** The first byte after the range. */
    public long end() {
        return offset + length;
    }
}
