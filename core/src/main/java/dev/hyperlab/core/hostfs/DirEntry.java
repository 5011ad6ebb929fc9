package dev.hyperlab.core.hostfs;

/** One name in a directory, as bytes (Linux names are bytes, not text), never {@code .} or {@code ..}. */
public record DirEntry(byte[] name, long ino) {}
