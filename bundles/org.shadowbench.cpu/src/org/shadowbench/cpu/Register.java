package org.shadowbench.cpu;

/** The general-purpose registers, in their x86 encoding order. */
public enum Register {
    EAX, ECX, EDX, EBX, ESP, EBP, ESI, EDI
}
