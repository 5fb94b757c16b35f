/*
 * Self-checking PC platform devices: the CMOS clock (BCD and binary reads, register B, the periodic
 * interrupt on IRQ 8 through the slave PIC, counted against the PIT) and the 8042 keyboard
 * controller (self tests, command byte, echo, identify, LEDs; with keys=1 on the command line, the
 * keys the host typed, read from IRQ 1).
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
    printf("  waiting for keys\n");
    __asm__ volatile("sti");
    /* Busy-wait rather than HLT: halting lets virtual time race ahead of the host, which types in wall-clock time. */
    for (u32 i = 0; i < 400000000u && (typed_length == 0 || typed[typed_length - 1] != '\n'); i++) {
        __asm__ volatile("pause");
    }
    __asm__ volatile("cli");
    typed[typed_length] = 0;
    check(typed_length == 6 && memcmp_equal(typed, "Hello\n", 6), "keyboard: the typed keys arrived through IRQ 1");
}

int guest_main(u32 magic, u32 info) {
    (void)magic;
    setup_descriptors();
    rtc();
    keyboard((int)command_line_number(info, "keys", 0));
    return finish("platform");
}
