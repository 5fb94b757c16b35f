/* The guest runtime: serial output, harness, descriptor tables, fault recovery. */
#include "runtime.h"
#include <stdarg.h>

#define COM1 0x3f8

/* Programs COM1 as firmware would: 115200 baud, 8 data bits, no parity, one stop bit, FIFOs on. */
void runtime_init(void) {
    outb(COM1 + 1, 0x00);
    outb(COM1 + 3, 0x80);
    outb(COM1 + 0, 0x01);
    outb(COM1 + 1, 0x00);
    outb(COM1 + 3, 0x03);
    outb(COM1 + 2, 0x07);
    outb(COM1 + 4, 0x03);
}

/* The VGA text console mirrors the serial output: 80x25 at 0xb8000, scrolling, cursor kept in the CRTC. */
static u32 console_position;

static void console_putc(char c) {
    volatile u16 *screen = (volatile u16 *)0xb8000;
    if (c == '\n') {
        console_position = (console_position / 80 + 1) * 80;
    } else {
        screen[console_position++] = (u16)(0x0700 | (u8)c);
    }
    if (console_position >= 80 * 25) {
        for (u32 i = 0; i < 80 * 24; i++) {
            screen[i] = screen[i + 80];
        }
        for (u32 i = 80 * 24; i < 80 * 25; i++) {
            screen[i] = 0x0720;
        }
        console_position -= 80;
    }
    if (c == '\n') {
        outw(0x3d4, (u16)(0x0e | (console_position & 0xff00)));
        outw(0x3d4, (u16)(0x0f | ((console_position & 0xff) << 8)));
    }
}

void putc_serial(char c) {
    while ((inb(COM1 + 5) & 0x20) == 0) {
    }
    outb(COM1, (u8)c);
    console_putc(c);
}

void puts_serial(const char *s) {
    while (*s) {
        putc_serial(*s++);
    }
}

static void print_unsigned(u32 v, int base, int width, char pad) {
    char digits[16];
    int n = 0;
    do {
        u32 d = v % base;
        digits[n++] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
        v /= base;
    } while (v != 0);
    while (n < width--) {
        putc_serial(pad);
    }
    while (n > 0) {
        putc_serial(digits[--n]);
    }
}

void printf(const char *format, ...) {
    va_list args;
    va_start(args, format);
    for (const char *p = format; *p; p++) {
        if (*p != '%') {
            putc_serial(*p);
            continue;
        }
        p++;
        char pad = ' ';
        int width = 0;
        if (*p == '0') {
            pad = '0';
            p++;
        }
        while (*p >= '0' && *p <= '9') {
            width = width * 10 + (*p++ - '0');
        }
        switch (*p) {
        case 'd': {
            s32 v = va_arg(args, s32);
            if (v < 0) {
                putc_serial('-');
                v = -v;
            }
            print_unsigned((u32)v, 10, width, pad);
            break;
        }
        case 'u': print_unsigned(va_arg(args, u32), 10, width, pad); break;
        case 'x': print_unsigned(va_arg(args, u32), 16, width, pad); break;
        case 's': puts_serial(va_arg(args, const char *)); break;
        case 'c': putc_serial((char)va_arg(args, int)); break;
        default: putc_serial(*p); break;
        }
    }
    va_end(args);
}

void guest_exit(int code) {
    if (code == 0) {
        const char *s = "Shutdown";
        while (*s) {
            outb(0x8900, (u8)*s++);
        }
    }
    outb(0xf4, (u8)code);
    for (;;) {
        __asm__ volatile("cli; hlt");
    }
}

static int passed, failed;

void check(int condition, const char *name) {
    if (condition) {
        passed++;
        printf("PASS %s\n", name);
    } else {
        failed++;
        printf("FAIL %s\n", name);
    }
}

void check_eq(u32 actual, u32 expected, const char *name) {
    if (actual == expected) {
        passed++;
        printf("PASS %s\n", name);
    } else {
        failed++;
        printf("FAIL %s: got %x, expected %x\n", name, actual, expected);
    }
}

int finish(const char *suite) {
    printf("%s: %d passed, %d failed\n", suite, passed, failed);
    return failed == 0 ? 0 : 1;
}

void *memset(void *d, int c, u32 n) {
    u8 *p = d;
    while (n--) {
        *p++ = (u8)c;
    }
    return d;
}

void *memcpy(void *d, const void *s, u32 n) {
    u8 *p = d;
    const u8 *q = s;
    while (n--) {
        *p++ = *q++;
    }
    return d;
}

int memcmp_equal(const void *a, const void *b, u32 n) {
    const u8 *p = a;
    const u8 *q = b;
    while (n--) {
        if (*p++ != *q++) {
            return 0;
        }
    }
    return 1;
}

/* ---------------------------------------------------------------- descriptor tables */

static u64 gdt[6];
static u64 idt[256];
static u32 tss[26];
static u8 trap_stack[16384] __attribute__((aligned(16)));
static u8 user_stack[16384] __attribute__((aligned(16)));

static u64 segment(u32 base, u32 limit, u32 access, u32 flags) {
    u64 d = (limit & 0xffff) | ((u64)(base & 0xffffff) << 16) | ((u64)access << 40) | ((u64)((limit >> 16) & 0xf) << 48)
            | ((u64)flags << 52) | ((u64)(base >> 24) << 56);
    return d;
}

static void gate(int vector, void (*handler)(void), int dpl) {
    u32 offset = (u32)handler;
    idt[vector] = (offset & 0xffff) | ((u64)KERNEL_CODE << 16) | ((u64)(0x8e | (dpl << 5)) << 40)
            | ((u64)(offset >> 16) << 48);
}

extern void isr0(void), isr1(void), isr2(void), isr3(void), isr4(void), isr5(void), isr6(void), isr7(void),
        isr8(void), isr9(void), isr10(void), isr11(void), isr12(void), isr13(void), isr14(void), isr15(void),
        isr16(void), isr17(void), isr18(void), isr19(void), isr128(void), isr32(void), isr33(void), isr34(void),
        isr35(void), isr36(void), isr37(void), isr38(void), isr39(void), isr40(void), isr41(void), isr42(void),
        isr43(void), isr44(void), isr45(void), isr46(void), isr47(void), isr48(void), isr49(void), isr50(void),
        isr51(void), isr52(void), isr53(void), isr54(void), isr55(void), isr56(void), isr57(void), isr58(void),
        isr59(void), isr60(void), isr61(void), isr62(void), isr63(void), isr255(void);

void setup_descriptors(void) {
    gdt[0] = 0;
    gdt[1] = segment(0, 0xfffff, 0x9a, 0xc);
    gdt[2] = segment(0, 0xfffff, 0x92, 0xc);
    gdt[3] = segment(0, 0xfffff, 0xfa, 0xc);
    gdt[4] = segment(0, 0xfffff, 0xf2, 0xc);
    gdt[5] = segment((u32)tss, sizeof(tss) - 1, 0x89, 0x0);
    memset(tss, 0, sizeof(tss));
    tss[1] = (u32)(trap_stack + sizeof(trap_stack));
    tss[2] = KERNEL_DATA;
    tss[25] = sizeof(tss) << 16; /* I/O bitmap beyond the limit: user mode has no port access */
    void (*stubs[20])(void) = { isr0, isr1, isr2, isr3, isr4, isr5, isr6, isr7, isr8, isr9, isr10, isr11, isr12,
            isr13, isr14, isr15, isr16, isr17, isr18, isr19 };
    for (int v = 0; v < 20; v++) {
        gate(v, stubs[v], v == 3 || v == 4 ? 3 : 0);
    }
    gate(0x80, isr128, 3);
    void (*irqs[16])(void) = { isr32, isr33, isr34, isr35, isr36, isr37, isr38, isr39, isr40, isr41, isr42, isr43,
            isr44, isr45, isr46, isr47 };
    for (int irq = 0; irq < 16; irq++) {
        gate(0x20 + irq, irqs[irq], 0);
    }
    void (*apic_vectors[16])(void) = { isr48, isr49, isr50, isr51, isr52, isr53, isr54, isr55, isr56, isr57, isr58,
            isr59, isr60, isr61, isr62, isr63 };
    for (int v = 0; v < 16; v++) {
        gate(0x30 + v, apic_vectors[v], 0);
    }
    gate(0xff, isr255, 0);
    struct __attribute__((packed)) { u16 limit; u32 base; } gdtr = { sizeof(gdt) - 1, (u32)gdt },
            idtr = { sizeof(idt) - 1, (u32)idt };
    __asm__ volatile("lgdt %0; lidt %1" : : "m"(gdtr), "m"(idtr));
    __asm__ volatile("ljmp $0x08, $1f; 1: mov $0x10, %%ax; mov %%ax, %%ds; mov %%ax, %%es; mov %%ax, %%ss;"
                     "mov %%ax, %%fs; mov %%ax, %%gs" : : : "eax", "memory");
    __asm__ volatile("ltr %%ax" : : "a"(TSS_SELECTOR));
}

/* ---------------------------------------------------------------- traps and recovery */

struct context {
    u32 ebx, esi, edi, ebp, esp, eip;
};
int save_context(struct context *c) __attribute__((returns_twice));
void resume_context(struct context *c, int value) __attribute__((noreturn));

struct frame {
    u32 ds, edi, esi, ebp, esp_dummy, ebx, edx, ecx, eax, vector, error, eip, cs, eflags, user_esp, user_ss;
};

volatile struct trap_info last_trap;
static struct context recovery;
static int recovery_armed;

volatile u32 irq_count[16];
void (*volatile irq_hook)(int irq);
volatile u32 apic_vector_count[16];
volatile u32 spurious_count;
void (*volatile apic_hook)(int vector);
volatile u32 *volatile local_apic;

void pic_init(u8 master_mask, u8 slave_mask) {
    outb(0x20, 0x11);
    outb(0xa0, 0x11);
    outb(0x21, 0x20);
    outb(0xa1, 0x28);
    outb(0x21, 0x04);
    outb(0xa1, 0x02);
    outb(0x21, 0x01);
    outb(0xa1, 0x01);
    outb(0x21, master_mask);
    outb(0xa1, slave_mask);
}

void trap_dispatch(struct frame *f) {
    if (f->vector >= 0x20 && f->vector < 0x30) {
        int irq = (int)f->vector - 0x20;
        irq_count[irq]++;
        if (irq_hook) {
            irq_hook(irq);
        }
        if (irq >= 8) {
            outb(0xa0, 0x20);
        }
        outb(0x20, 0x20);
        return;
    }
    if (f->vector >= 0x30 && f->vector < 0x40) {
        apic_vector_count[f->vector - 0x30]++;
        if (apic_hook) {
            apic_hook((int)f->vector);
        }
        if (local_apic) {
            local_apic[0xb0 / 4] = 0;
        }
        return;
    }
    if (f->vector == 0xff) {
        spurious_count++; /* the spurious vector: no EOI */
        return;
    }
    last_trap.vector = f->vector;
    last_trap.error = f->error;
    last_trap.eip = f->eip;
    last_trap.cs = f->cs;
    last_trap.cr2 = read_cr2();
    last_trap.count++;
    if (recovery_armed) {
        recovery_armed = 0;
        resume_context(&recovery, (int)f->vector + 1);
    }
    printf("FAIL unexpected exception %d error %x at %x (cr2 %x)\n", f->vector, f->error, f->eip, last_trap.cr2);
    guest_exit(3);
}

int with_fault_recovery(void (*fn)(u32), u32 arg) {
    int resumed = save_context(&recovery);
    if (resumed != 0) {
        return resumed - 1;
    }
    recovery_armed = 1;
    fn(arg);
    recovery_armed = 0;
    return -1;
}

static void (*user_function)(u32);
static u32 user_argument;

static void enter_user_mode(u32 unused) {
    (void)unused;
    u32 top = (u32)(user_stack + sizeof(user_stack));
    __asm__ volatile(
            "mov $0x23, %%ax; mov %%ax, %%ds; mov %%ax, %%es;"
            "push $0x23; push %0; pushf; push $0x1b; push $1f; iret;"
            "1: push %2; call *%1; int $0x80"
            : : "r"(top - 16), "r"(user_function), "r"(user_argument) : "eax", "memory");
}

int run_in_user_mode(void (*fn)(u32), u32 arg) {
    user_function = fn;
    user_argument = arg;
    return with_fault_recovery(enter_user_mode, 0);
}

/* ---------------------------------------------------------------- pages */

static u32 next_page = 0x400000;

void *alloc_page(void) {
    void *page = (void *)next_page;
    next_page += 4096;
    memset(page, 0, 4096);
    return page;
}

/* ---------------------------------------------------------------- command line */

u32 command_line_number(u32 multiboot_info, const char *key, u32 default_value) {
    const u32 *info = (const u32 *)multiboot_info;
    if ((info[0] & 4) == 0) {
        return default_value;
    }
    const char *line = (const char *)info[4];
    for (const char *p = line; *p; p++) {
        if (p != line && p[-1] != ' ') {
            continue;
        }
        const char *k = key;
        const char *q = p;
        while (*k && *q == *k) {
            k++;
            q++;
        }
        if (*k == 0 && *q == '=') {
            u32 value = 0;
            for (q++; *q >= '0' && *q <= '9'; q++) {
                value = value * 10 + (u32)(*q - '0');
            }
            return value;
        }
    }
    return default_value;
}
