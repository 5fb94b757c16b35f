/*
 * Self-checking PIC and PIT: the 8259s remapped and masked, the 8254's counter 0 as a 1 kHz
 * periodic IRQ 0 counted while the CPU halts (virtual time skips ahead), a request latched while
 * masked and delivered on unmasking, the in-service register seen from the handler, the counter
 * latch, and counter 2 as a one-shot observed through port 0x61.
 */
#include "lib/runtime.h"

static volatile u32 isr_in_handler;

static void look_at_isr(int irq) {
    if (irq == 0) {
        outb(0x20, 0x0b); /* OCW3: read ISR */
        isr_in_handler = inb(0x20);
        outb(0x20, 0x0a); /* back to IRR */
    }
}

static u32 latch_counter0(void) {
    outb(0x43, 0x00);
    u32 low = inb(0x40);
    return low | ((u32)inb(0x40) << 8);
}

int guest_main(u32 magic, u32 info) {
    (void)magic;
    (void)info;
    setup_descriptors();
    pic_init(0xfe, 0xff);
    check_eq(inb(0x21), 0xfe, "PIC: the master's mask reads back");
    /* Counter 0, low/high byte, mode 2 (rate generator), 1193 ticks: about 1 kHz. */
    outb(0x43, 0x34);
    outb(0x40, 1193 & 0xff);
    outb(0x40, 1193 >> 8);
    irq_hook = look_at_isr;
    __asm__ volatile("sti");
    while (irq_count[0] < 100) {
        __asm__ volatile("hlt");
    }
    __asm__ volatile("cli");
    check_eq(irq_count[0], 100, "PIT: 100 timer interrupts woke the halted CPU");
    check_eq(isr_in_handler, 0x01, "PIC: IRQ 0 is in service inside its handler");
    u32 first = latch_counter0();
    for (volatile int i = 0; i < 100; i++) {
    }
    u32 second = latch_counter0();
    check(first <= 1193 && second <= 1193 && first != second, "PIT: the latched count moves within the reload value");
    /* Masked, the edge waits in the IRR; unmasked, it is delivered at once. */
    outb(0x21, 0xff);
    u32 before = irq_count[0];
    __asm__ volatile("sti");
    for (volatile int i = 0; i < 300000; i++) {
    }
    __asm__ volatile("cli");
    check_eq(irq_count[0], before, "PIC: a masked IRQ is not delivered");
    outb(0x20, 0x0a);
    check((inb(0x20) & 1) != 0, "PIC: the masked request waits in the IRR");
    outb(0x21, 0xfe);
    __asm__ volatile("sti; nop; cli");
    check_eq(irq_count[0], before + 1, "PIC: unmasking delivers the waiting request once");
    /* Counter 2 as a one-shot (mode 0) of 1193 ticks, gated and watched through port 0x61. */
    outb(0x61, inb(0x61) & ~0x03);
    outb(0x43, 0xb0);
    outb(0x42, 1193 & 0xff);
    outb(0x42, 1193 >> 8);
    check((inb(0x61) & 0x20) == 0, "PIT counter 2: the output starts low in mode 0");
    outb(0x61, (inb(0x61) & ~0x02) | 0x01);
    u32 polls = 0;
    while ((inb(0x61) & 0x20) == 0 && polls < 10000000) {
        polls++;
    }
    check(polls > 10 && polls < 10000000, "PIT counter 2: the output goes high after about a millisecond");
    outb(0x43, 0xe8); /* read-back: status of counter 2 */
    check_eq(inb(0x42) & 0xbf, 0x80 | 0x30 | 0x00, "PIT read-back: output high, low/high access, mode 0");
    return finish("timer");
}
