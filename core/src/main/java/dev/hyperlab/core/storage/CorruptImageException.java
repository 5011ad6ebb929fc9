package dev.hyperlab.core.storage;

/**
 * An image refused for writing because its metadata is inconsistent (what {@code disk check} calls corrupt), or marked
 * corrupt by QEMU: writing into it could put new data over old. Nothing was written to it. The message is one line
 * with the findings; {@code disk repair} (or {@code qemu-img check -r all}) is the way out.
 */
public class CorruptImageException extends ImageException {
    public CorruptImageException(String message) {
        super(message);
    }
}
