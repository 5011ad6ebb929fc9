package dev.hyperlab.core.engine.image;

/**
 * An image the lab made on request ({@code disk create}, {@code disk convert}), remembered so {@code disk list} shows
 * it. Saved with the lab.
 *
 * @param path the image, absolute
 * @param how {@code created} or {@code converted}
 * @param from what it was made from, for people: {@code backing /x/base.qcow2}, {@code os linux-server (bios)},
 *     {@code /x/src.raw}, or empty
 */
public record DiskOrigin(String path, String how, String from) {}
