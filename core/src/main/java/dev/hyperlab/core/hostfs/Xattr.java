package dev.hyperlab.core.hostfs;

/** One extended attribute: its full name with namespace ({@code user.x}, {@code security.selinux}) and its value. */
public record Xattr(byte[] name, byte[] value) {}
