package org.shadowbench.debug.ui.tests;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Finds a symbol's value in an ELF32 image's symbol table, so tests follow a rebuilt guest. */
final class ElfSymbols {
    private static final int SHT_SYMTAB = 2;

    private ElfSymbols() {
    }

    static int address(byte[] image, String name) {
        ByteBuffer elf = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
        int sectionTable = elf.getInt(0x20);
        int entrySize = elf.getShort(0x2e) & 0xffff;
        int sections = elf.getShort(0x30) & 0xffff;
        for (int i = 0; i < sections; i++) {
            int header = sectionTable + i * entrySize;
            if (elf.getInt(header + 4) != SHT_SYMTAB) {
                continue;
            }
            int symbols = elf.getInt(header + 16);
            int size = elf.getInt(header + 20);
            int strings = sectionTable + elf.getInt(header + 24) * entrySize;
            int stringsOffset = elf.getInt(strings + 16);
            for (int symbol = symbols; symbol < symbols + size; symbol += 16) {
                int nameOffset = stringsOffset + elf.getInt(symbol);
                int end = nameOffset;
                while (image[end] != 0) {
                    end++;
                }
                if (name.equals(new String(image, nameOffset, end - nameOffset, StandardCharsets.US_ASCII))) {
                    return elf.getInt(symbol + 4);
                }
            }
        }
        throw new IllegalArgumentException("no symbol " + name + " in the image");
    }
}
