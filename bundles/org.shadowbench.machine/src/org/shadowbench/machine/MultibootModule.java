package org.shadowbench.machine;

/**
 * A module handed to a multiboot kernel (an initrd, a test payload).
 *
 * @param contents    the module's bytes
 * @param commandLine the module's string in the multiboot information (usually its file name)
 */
public record MultibootModule(byte[] contents, String commandLine) {
    public MultibootModule {
        contents = contents.clone();
    }

    @Override
    public byte[] contents() {
        return contents.clone();
    }
}
