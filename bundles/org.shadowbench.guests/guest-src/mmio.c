/*
 * Self-checking MMIO: accesses of every size and alignment to the machine's MMIO probe (at
 * 0xfebf0000), which records what its handler saw. Each access must arrive once, with its exact
 * size and value, split only where it crosses a page; an aligned quadword is never split. Then the
 * same through paging.
 */
#include "lib/runtime.h"

#define PROBE 0xfebf0000u
#define LOG (PROBE + 0x2000u)
#define MAPPED 0x50000000u

static volatile u32 *const log_count = (volatile u32 *)LOG;

/* Record n (0 = most recent) of the probe's log. */
static u32 log_offset(int n) { return ((volatile u32 *)LOG)[1 + 4 * n]; }
static u32 log_kind(int n) { return ((volatile u32 *)LOG)[2 + 4 * n]; }
static u32 log_value(int n) { return ((volatile u32 *)LOG)[3 + 4 * n]; }

#define W 0x100

static void expect(int n, u32 offset, u32 kind, u32 value, const char *name) {
    int ok = log_offset(n) == offset && log_kind(n) == kind && log_value(n) == value;
    if (!ok) {
        printf("  record %d: offset %x kind %x value %x\n", n, log_offset(n), log_kind(n), log_value(n));
    }
    check(ok, name);
}

static void sizes_and_alignments(u32 base) {
    for (u32 offset = 0x100; offset < 0x108; offset++) {
        u32 before = *log_count;
        *(volatile u8 *)(base + offset) = (u8)(0x10 + offset);
        *(volatile u16 *)(base + offset + 0x10) = (u16)(0x2000 + offset);
        *(volatile u32 *)(base + offset + 0x20) = 0x30000000u + offset;
        check_eq(*log_count - before, 3, "one handler call per access");
        expect(2, offset, W | 1, (0x10 + offset) & 0xff, "byte write: exact size and value");
        expect(1, offset + 0x10, W | 2, 0x2000 + offset, "word write at any alignment");
        expect(0, offset + 0x20, W | 4, 0x30000000u + offset, "dword write at any alignment");
        check_eq(*(volatile u32 *)(base + offset + 0x20), 0x30000000u + offset, "dword read back");
        expect(0, offset + 0x20, 4, 0x30000000u + offset, "dword read: exact size");
        check_eq(*(volatile u16 *)(base + offset + 0x10), 0x2000 + offset, "word read back");
        expect(0, offset + 0x10, 2, 0x2000 + offset, "word read: exact size");
    }
}

static void page_crossing(u32 base) {
    u32 before = *log_count;
    *(volatile u32 *)(base + 0xffe) = 0xaabbccdd;
    check_eq(*log_count - before, 2, "a dword across a page: two calls");
    expect(1, 0xffe, W | 2, 0xccdd, "first part: the bytes in the first page");
    expect(0, 0x1000, W | 2, 0xaabb, "second part: the bytes in the second page");
    check_eq(*(volatile u32 *)(base + 0xffe), 0xaabbccdd, "read back across the page");
    expect(1, 0xffe, 2, 0xccdd, "read: first part");
    expect(0, 0x1000, 2, 0xaabb, "read: second part");
}

static void quadwords(u32 base) {
    volatile u64 *aligned = (volatile u64 *)(base + 0x200);
    *(volatile u32 *)(base + 0x200) = 1;
    *(volatile u32 *)(base + 0x204) = 2;
    u32 before = *log_count;
    u32 lo = 1, hi = 2;
    __asm__ volatile("cmpxchg8b %0" : "+m"(*aligned), "+a"(lo), "+d"(hi) : "b"(0x11111111), "c"(0x22222222) : "memory");
    check_eq(*log_count - before, 2, "aligned CMPXCHG8B: one read and one write");
    expect(1, 0x200, 8, 1, "a single 8-byte read");
    expect(0, 0x200, W | 8, 0x11111111, "a single 8-byte write");
    check_eq(((volatile u32 *)LOG)[4], 0x22222222, "the write's high dword");
    before = *log_count;
    lo = 0;
    hi = 0;
    __asm__ volatile("cmpxchg8b %0" : "+m"(*(volatile u64 *)(base + 0xffc)), "+a"(lo), "+d"(hi) : "b"(0), "c"(0) : "memory");
    check_eq(*log_count - before, 4, "CMPXCHG8B across a page: two reads and two writes");
}

static void string_to_device(u32 base) {
    static const char text[] = "MMIO!";
    u32 before = *log_count;
    void *d = (void *)(base + 0x300);
    const void *s = text;
    u32 n = 5;
    __asm__ volatile("cld; rep movsb" : "+D"(d), "+S"(s), "+c"(n) : : "memory");
    check_eq(*log_count - before, 5, "REP MOVSB to the device: one call per byte");
    expect(0, 0x304, W | 1, '!', "the last byte");
    check_eq(*(volatile u8 *)(base + 0x302), 'I', "the device kept the string");
}

static void through_paging(void) {
    u32 *pd = alloc_page();
    for (u32 t = 0; t < 4; t++) {
        u32 *pt = alloc_page();
        pd[t] = (u32)pt | 3;
        for (u32 i = 0; i < 1024; i++) {
            pt[i] = ((t << 22) + (i << 12)) | 3;
        }
    }
    u32 *identity = alloc_page();
    pd[PROBE >> 22] = (u32)identity | 3;
    for (u32 i = 0; i < 3; i++) {
        identity[((PROBE >> 12) & 1023) + i] = (PROBE + (i << 12)) | 3;
    }
    u32 *pt = alloc_page();
    pd[MAPPED >> 22] = (u32)pt | 3;
    pt[0] = PROBE | 3;
    pt[1] = (PROBE + 0x1000) | 3;
    pt[2] = LOG | 3;
    write_cr3((u32)pd);
    write_cr0(read_cr0() | 0x80000000u);
    u32 before = *(volatile u32 *)(MAPPED + 0x2000);
    *(volatile u32 *)(MAPPED + 0x400) = 0x600d;
    check_eq(*(volatile u32 *)(MAPPED + 0x2000) - before, 1, "paging: the mapped MMIO page reaches the handler");
    check_eq(*(volatile u32 *)(MAPPED + 0x2000 + 12), 0x600d, "paging: the value arrived");
    check_eq(*(volatile u32 *)(PROBE + 0x400), 0x600d, "paging: the identity alias sees it");
}

int guest_main(u32 magic, u32 info) {
    (void)magic;
    (void)info;
    setup_descriptors();
    sizes_and_alignments(PROBE);
    page_crossing(PROBE);
    quadwords(PROBE);
    string_to_device(PROBE);
    through_paging();
    return finish("mmio");
}
