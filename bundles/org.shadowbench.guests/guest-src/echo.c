/*
 * Reads COM1 and writes every byte back, as a terminal's line discipline would with echo on: the
 * guest for console input tests (a line typed on the host comes back, then a prompt). Polls the
 * UART's line status register, so it needs no interrupt set-up; never exits by itself.
 */
#include "lib/runtime.h"

#define COM1 0x3f8
#define LSR_DATA_READY 0x01

int guest_main(u32 magic, u32 info) {
    (void)magic;
    (void)info;
    puts_serial("echo ready\n> ");
    for (;;) {
        if ((inb(COM1 + 5) & LSR_DATA_READY) == 0) {
            continue;
        }
        char c = (char)inb(COM1);
        if (c == '\r') {
            c = '\n';
        }
        putc_serial(c);
        if (c == '\n') {
            puts_serial("> ");
        }
    }
}
