/*
 * Self-checking PC platform devices: the CMOS clock (BCD and binary reads, register B, the periodic
 * interrupt on IRQ 8 through the slave PIC, counted against the PIT), the 8042 keyboard controller
 * (self tests, command byte, echo, identify, LEDs; with keys=1 on the command line, the keys the host
 * typed, read from IRQ 1), and the APICs as a kernel finds them: CPUID, the MP tables, the PIT and
 * the keyboard routed through the I/O APIC with the 8259s masked, the local APIC timer calibrated
 * against the PIT, self IPIs held back by the task priority. The VGA console shows it all.
 */
#include "lib/runtime.h"

static u8 cmos_read(u8 index) {
    outb(0x70, index);
    return inb(0x71);
}

static void cmos_write(u8 index, u8 value) {
    outb(0x70, index);
    outb(0x71, value);
}

static int bcd_valid(u8 v, u8 max) {
    return (v & 0x0f) <= 9 && (v >> 4) <= 9 && ((v >> 4) * 10 + (v & 0x0f)) <= max;
}

static void kbd_wait_write(void) {
    while (inb(0x64) & 0x02) {
    }
}

static u8 kbd_read(void) {
    for (u32 i = 0; i < 1000000; i++) {
        if (inb(0x64) & 0x01) {
            return inb(0x60);
        }
    }
    return 0xff;
}

static void kbd_command(u8 command) {
    kbd_wait_write();
    outb(0x64, command);
}

static void kbd_data(u8 data) {
    kbd_wait_write();
    outb(0x60, data);
}

static char typed[32];
static volatile u32 typed_length;
static volatile int shift;

static void on_irq(int irq) {
    if (irq == 8) {
        cmos_read(0x0c);
    } else if (irq == 1) {
        static const char keys[] = "\0\0001234567890-=\0\0qwertyuiop[]\n\0asdfghjkl;'`\0\\zxcvbnm,./\0*\0 ";
        u8 code = inb(0x60);
        if (code == 0x2a) {
            shift = 1;
        } else if (code == 0xaa) {
            shift = 0;
        } else if (code < 0x3a && typed_length < sizeof(typed) - 1) {
            char c = keys[code];
            typed[typed_length++] = shift && c >= 'a' && c <= 'z' ? (char)(c - 32) : c;
        }
    }
}

static void await_keys(const char *prompt, const char *expected, const char *name);

static void rtc(void) {
    while (cmos_read(0x0a) & 0x80) {
    }
    u8 seconds = cmos_read(0x00), minutes = cmos_read(0x02), hours = cmos_read(0x04);
    u8 day = cmos_read(0x07), month = cmos_read(0x08);
    check(bcd_valid(seconds, 59) && bcd_valid(minutes, 59) && bcd_valid(hours, 23), "RTC: time of day in BCD");
    check(bcd_valid(day, 31) && day != 0 && bcd_valid(month, 12) && month != 0, "RTC: date in BCD");
    check_eq(cmos_read(0x0d), 0x80, "RTC: register D says the clock is valid");
    check_eq(cmos_read(0x15) | (cmos_read(0x16) << 8), 640, "CMOS: 640 KiB of base memory");
    cmos_write(0x0b, cmos_read(0x0b) | 0x04);
    u8 binary_minutes = cmos_read(0x02);
    check(binary_minutes <= 59 && (binary_minutes == ((minutes >> 4) * 10 + (minutes & 15))
            || binary_minutes == ((minutes >> 4) * 10 + (minutes & 15) + 1) % 60), "RTC: binary mode reads the same minute");
    cmos_write(0x0b, cmos_read(0x0b) & ~0x04);
    /* Periodic interrupt at 1024 Hz on IRQ 8, counted over ten 10 ms PIT ticks. */
    pic_init(0xfa, 0xfe);
    outb(0x43, 0x34);
    outb(0x40, 11932 & 0xff);
    outb(0x40, 11932 >> 8);
    cmos_write(0x0a, 0x26);
    cmos_write(0x0b, cmos_read(0x0b) | 0x40);
    cmos_read(0x0c);
    irq_hook = on_irq;
    __asm__ volatile("sti");
    u32 start = irq_count[0];
    while (irq_count[0] < start + 10) {
        __asm__ volatile("hlt");
    }
    __asm__ volatile("cli");
    cmos_write(0x0b, cmos_read(0x0b) & ~0x40);
    u32 periodic = irq_count[8];
    check(periodic >= 95 && periodic <= 110, "RTC: about 1024 periodic interrupts a second on IRQ 8");
    printf("  %u RTC interrupts in 100 ms\n", periodic);
}

static void keyboard(int expect_keys) {
    kbd_command(0xad);
    while (inb(0x64) & 0x01) {
        inb(0x60);
    }
    kbd_command(0xaa);
    check_eq(kbd_read(), 0x55, "8042: controller self test");
    kbd_command(0xab);
    check_eq(kbd_read(), 0x00, "8042: keyboard interface test");
    kbd_command(0x20);
    u8 command_byte = kbd_read();
    check((command_byte & 0x40) != 0, "8042: translation on in the command byte");
    kbd_data(0xee);
    check_eq(kbd_read(), 0xee, "keyboard: echo");
    kbd_data(0xf2);
    u8 ack = kbd_read(), id1 = kbd_read(), id2 = kbd_read();
    check(ack == 0xfa && id1 == 0xab && id2 == 0x41, "keyboard: identifies as an MF2 keyboard (translated)");
    kbd_data(0xed);
    kbd_data(0x07);
    check(kbd_read() == 0xfa && kbd_read() == 0xfa, "keyboard: LEDs set");
    if (!expect_keys) {
        return;
    }
    kbd_command(0x60);
    kbd_data(command_byte | 0x01);
    kbd_command(0xae);
    pic_init(0xf8, 0xff);
    await_keys("waiting for keys", "Hello\n", "keyboard: the typed keys arrived through IRQ 1");
}

/* Lets the host type a line, read from IRQ 1 by on_irq whichever controller delivers it. */
static void await_keys(const char *prompt, const char *expected, const char *name) {
    typed_length = 0;
    printf("  %s\n", prompt);
    __asm__ volatile("sti");
    /* Busy-wait rather than HLT: halting lets virtual time race ahead of the host, which types in wall-clock time. */
    for (u32 i = 0; i < 400000000u && (typed_length == 0 || typed[typed_length - 1] != '\n'); i++) {
        __asm__ volatile("pause");
    }
    __asm__ volatile("cli");
    typed[typed_length] = 0;
    u32 length = 0;
    while (expected[length]) {
        length++;
    }
    check(typed_length == length && memcmp_equal(typed, expected, length), name);
}

/* ---------------------------------------------------------------- APICs */

#define LAPIC_BASE 0xfee00000u
#define IOAPIC_DEFAULT 0xfec00000u

static volatile u32 *ioapic;

static u32 lapic_read(u32 offset) {
    return local_apic[offset / 4];
}

static void lapic_write(u32 offset, u32 value) {
    local_apic[offset / 4] = value;
}

static u32 ioapic_read(u32 reg) {
    ioapic[0] = reg;
    return ioapic[4];
}

static void ioapic_write(u32 reg, u32 value) {
    ioapic[0] = reg;
    ioapic[4] = value;
}

static u8 checksum(const u8 *p, u32 length) {
    u8 sum = 0;
    for (u32 i = 0; i < length; i++) {
        sum += p[i];
    }
    return sum;
}

/* What the MP tables say: -1 where they say nothing. */
static struct {
    u32 lapic_address, ioapic_address;
    int bsp_id, ioapic_id, pin_of_irq0, pin_of_irq1, extint_lint;
} mp = { 0, 0, -1, -1, -1, -1, -1 };

static int parse_mp_tables(void) {
    const u8 *pointer = 0;
    for (u32 at = 0xf0000; at < 0x100000; at += 16) {
        const u8 *p = (const u8 *)at;
        if (p[0] == '_' && p[1] == 'M' && p[2] == 'P' && p[3] == '_' && checksum(p, 16 * p[8]) == 0) {
            pointer = p;
            break;
        }
    }
    if (!pointer) {
        return 0;
    }
    const u8 *table = (const u8 *)*(const u32 *)(pointer + 4);
    u16 length = *(const u16 *)(table + 4);
    if (table[0] != 'P' || table[1] != 'C' || table[2] != 'M' || table[3] != 'P' || checksum(table, length) != 0) {
        return 0;
    }
    mp.lapic_address = *(const u32 *)(table + 36);
    u16 entries = *(const u16 *)(table + 34);
    const u8 *entry = table + 44;
    for (u16 i = 0; i < entries && entry < table + length; i++) {
        switch (entry[0]) {
        case 0:
            if (entry[3] & 2) {
                mp.bsp_id = entry[1];
            }
            entry += 20;
            break;
        case 2:
            mp.ioapic_id = entry[1];
            mp.ioapic_address = *(const u32 *)(entry + 4);
            entry += 8;
            break;
        case 3:
            if (entry[1] == 0 && entry[5] == 0) {
                mp.pin_of_irq0 = entry[7];
            } else if (entry[1] == 0 && entry[5] == 1) {
                mp.pin_of_irq1 = entry[7];
            }
            entry += 8;
            break;
        case 4:
            if (entry[1] == 3) {
                mp.extint_lint = entry[7];
            }
            entry += 8;
            break;
        default:
            entry += 8;
            break;
        }
    }
    return 1;
}

/* Waits for n more PIT ticks (vector 0x30 through the I/O APIC) with interrupts on. */
static void pit_ticks(u32 n) {
    u32 start = apic_vector_count[0];
    __asm__ volatile("sti");
    while (apic_vector_count[0] < start + n) {
        __asm__ volatile("hlt");
    }
    __asm__ volatile("cli");
}

static void apic_interrupt(int vector) {
    if (vector == 0x31) {
        on_irq(1);
    }
}

static void apics(int expect_keys) {
    u32 a, b, c, d;
    __asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(1));
    check((d & (1 << 9)) != 0, "CPUID: an on-chip APIC");
    check((rdmsr(0x1b) & 0xfffff800u) == (LAPIC_BASE | 0x800), "IA32_APIC_BASE: enabled at 0xfee00000");
    check(parse_mp_tables(), "MP: floating pointer and configuration table found, checksums right");
    check_eq(mp.lapic_address, LAPIC_BASE, "MP: the local APIC's address");
    check(mp.ioapic_id >= 0 && mp.ioapic_address == IOAPIC_DEFAULT, "MP: an I/O APIC at 0xfec00000");
    check_eq(mp.extint_lint, 0, "MP: the 8259 on LINT0");
    local_apic = (volatile u32 *)mp.lapic_address;
    ioapic = (volatile u32 *)mp.ioapic_address;
    check_eq((u32)mp.bsp_id, lapic_read(0x20) >> 24, "MP: the boot processor is this local APIC");
    check_eq(b >> 24, lapic_read(0x20) >> 24, "CPUID: the initial APIC ID");
    check_eq(lapic_read(0x30) & 0xff, 0x14, "local APIC: an integrated xAPIC");
    check_eq((ioapic_read(0) >> 24) & 0xf, (u32)mp.ioapic_id, "I/O APIC: the ID the MP table gives");
    check_eq((ioapic_read(1) >> 16) & 0xff, 23, "I/O APIC: 24 redirection entries");

    /* The kernel takes over: 8259s masked, local APIC enabled, PIT and keyboard through the I/O APIC. */
    pic_init(0xff, 0xff);
    u32 pic_ticks = irq_count[0];
    apic_hook = apic_interrupt;
    lapic_write(0xf0, 0x1ff);
    lapic_write(0x80, 0);
    u32 apic_id = lapic_read(0x20) >> 24;
    check(mp.pin_of_irq0 >= 0 && mp.pin_of_irq1 >= 0, "MP: pins of the PIT and the keyboard");
    ioapic_write(0x11 + 2 * (u32)mp.pin_of_irq0, apic_id << 24);
    ioapic_write(0x10 + 2 * (u32)mp.pin_of_irq0, 0x30);
    ioapic_write(0x11 + 2 * (u32)mp.pin_of_irq1, apic_id << 24);
    ioapic_write(0x10 + 2 * (u32)mp.pin_of_irq1, 0x31);
    check_eq(ioapic_read(0x10 + 2 * (u32)mp.pin_of_irq0), 0x30, "I/O APIC: the PIT's entry reads back");
    outb(0x43, 0x34);
    outb(0x40, 11932 & 0xff);
    outb(0x40, 11932 >> 8);
    pit_ticks(10);
    check(apic_vector_count[0] >= 10, "I/O APIC: PIT ticks arrive as vector 0x30");
    check_eq(irq_count[0], pic_ticks, "8259: masked, so no IRQ 0 through it any more");

    /* Local APIC timer: calibrated over 100 ms of PIT, then periodic at 1 kHz. */
    lapic_write(0x3e0, 0x3);
    lapic_write(0x320, 0x10032);
    lapic_write(0x380, 0xffffffffu);
    pit_ticks(1);
    lapic_write(0x380, 0xffffffffu);
    pit_ticks(10);
    u32 per_100ms = 0xffffffffu - lapic_read(0x390);
    printf("  local APIC timer: %u ticks in 100 ms (divide by 16)\n", per_100ms);
    check(per_100ms > 600000 && per_100ms < 650000, "local APIC timer: 6.25 MHz after the divider, against the PIT");
    lapic_write(0x320, 0x20032);
    lapic_write(0x380, per_100ms / 100);
    u32 start = apic_vector_count[2];
    pit_ticks(10);
    lapic_write(0x380, 0);
    u32 timer = apic_vector_count[2] - start;
    printf("  %u local APIC timer interrupts in 100 ms\n", timer);
    check(timer >= 98 && timer <= 102, "local APIC timer: periodic at 1 kHz");

    /* Self IPIs and the task priority. */
    lapic_write(0x300, 0x40033);
    __asm__ volatile("sti; nop; cli");
    check_eq(apic_vector_count[3], 1, "local APIC: a self IPI is delivered");
    lapic_write(0x80, 0x40);
    lapic_write(0x300, 0x40034);
    __asm__ volatile("sti; nop; nop; cli");
    check_eq(apic_vector_count[4], 0, "local APIC: the task priority holds back a lower class");
    check_eq(lapic_read(0x200 + 0x10 * (0x34 / 32)) & (1u << (0x34 % 32)), 1u << (0x34 % 32), "local APIC: and keeps it requested");
    lapic_write(0x80, 0);
    __asm__ volatile("sti; nop; cli");
    check_eq(apic_vector_count[4], 1, "local APIC: lowering the priority lets it through");
    lapic_write(0x280, 0);
    lapic_write(0x300, 0x40005);
    lapic_write(0x280, 0);
    check_eq(lapic_read(0x280) & 0x20, 0x20, "local APIC: an illegal vector is an error");
    if (expect_keys) {
        await_keys("waiting for APIC keys", "World\n", "I/O APIC: the typed keys arrived as vector 0x31");
        check(apic_vector_count[1] >= 12, "I/O APIC: one interrupt per scan code");
    }
}

int guest_main(u32 magic, u32 info) {
    (void)magic;
    setup_descriptors();
    rtc();
    int keys = (int)command_line_number(info, "keys", 0);
    keyboard(keys);
    apics(keys);
    return finish("platform");
}
