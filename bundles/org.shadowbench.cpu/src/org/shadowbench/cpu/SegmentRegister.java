package org.shadowbench.cpu;

/** The segment registers, in their x86 encoding order. */
public enum SegmentRegister {
    ES, CS, SS, DS, FS, GS
}
