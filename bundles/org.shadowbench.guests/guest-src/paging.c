/*
 * Self-checking paging: 32-bit paging with 4 KiB and 4 MiB pages, PAE with 2 MiB pages and NX,
 * page faults with their error codes and CR2, accessed and dirty bits, INVLPG and CR3 reloads,
 * copy-on-write style PTE rewrites, REP STOSD clearing a live page table, BTR on PTEs, PUSH into a
 * page that was a page table, and user processes with their own page directories. Every guest
 * write to a page table here reaches the shadow pool's monitor.
 */
#include "lib/runtime.h"

#define P 0x001
#define RW 0x002
#define US 0x004
#define A 0x020
#define D 0x040
#define PS 0x080
#define WINDOW 0x40000000u
#define IDENTITY_MB 16

static u32 *kernel_pd;

static u32 *table_of(u32 *pd, u32 linear) {
    u32 *pde = &pd[linear >> 22];
    if ((*pde & P) == 0) {
        *pde = (u32)alloc_page() | P | RW | US;
    }
    return (u32 *)(*pde & ~0xfffu);
}

static u32 *pte(u32 *pd, u32 linear) {
    return &table_of(pd, linear)[(linear >> 12) & 1023];
}

static void map(u32 *pd, u32 linear, u32 physical, u32 flags) {
    *pte(pd, linear) = physical | flags;
    invlpg(linear);
}

/* A page directory whose first 16 MiB are identity-mapped, sharing the kernel's page tables. */
static u32 *new_directory(void) {
    u32 *pd = alloc_page();
    if (kernel_pd == 0) {
        for (u32 mb = 0; mb < IDENTITY_MB; mb += 4) {
            u32 *pt = table_of(pd, mb << 20);
            for (u32 i = 0; i < 1024; i++) {
                pt[i] = ((mb << 20) + (i << 12)) | P | RW | US;
            }
        }
    } else {
        for (u32 i = 0; i < IDENTITY_MB / 4; i++) {
            pd[i] = kernel_pd[i];
        }
    }
    return pd;
}

static volatile u32 sink;

static void read_window(u32 offset) {
    sink = *(volatile u32 *)(WINDOW + offset);
}

static void write_window(u32 value) {
    *(volatile u32 *)WINDOW = value;
}

static void small_pages(void) {
    u32 *frame = alloc_page();
    map(kernel_pd, WINDOW, (u32)frame, P | RW);
    write_window(0x12345678);
    check_eq(frame[0], 0x12345678, "4K page: a write through the window reaches the frame");
    u32 flags = *pte(kernel_pd, WINDOW);
    check((flags & (A | D)) == (A | D), "4K page: accessed and dirty set");
    u32 *second = alloc_page();
    second[0] = 0xbeef;
    map(kernel_pd, WINDOW + 0x1000, (u32)frame, P | RW);
    check_eq(*(volatile u32 *)(WINDOW + 0x1000), 0x12345678, "4K page: an alias sees the same frame");
    *pte(kernel_pd, WINDOW + 0x1000) = (u32)second | P | RW;
    invlpg(WINDOW + 0x1000);
    check_eq(*(volatile u32 *)(WINDOW + 0x1000), 0xbeef, "INVLPG: the rewritten PTE takes effect");
    u32 *clean = alloc_page();
    map(kernel_pd, WINDOW + 0x2000, (u32)clean, P | RW);
    sink = *(volatile u32 *)(WINDOW + 0x2000);
    flags = *pte(kernel_pd, WINDOW + 0x2000);
    check((flags & (A | D)) == A, "a read sets accessed but not dirty");
    *(volatile u32 *)(WINDOW + 0x2000) = 1;
    check((*pte(kernel_pd, WINDOW + 0x2000) & D) == D, "the first write sets dirty");
}

static void page_faults(void) {
    map(kernel_pd, WINDOW, 0, 0);
    check_eq(with_fault_recovery(read_window, 0x10), 14, "#PF reading a not-present page");
    check_eq(last_trap.error, 0, "#PF error: read, supervisor, not present");
    check_eq(last_trap.cr2, WINDOW + 0x10, "#PF CR2 is the address");
    check_eq(with_fault_recovery(write_window, 1), 14, "#PF writing a not-present page");
    check_eq(last_trap.error, 2, "#PF error: write, not present");
    u32 *frame = alloc_page();
    map(kernel_pd, WINDOW, (u32)frame, P);
    write_cr0(read_cr0() | 0x10000);
    check_eq(with_fault_recovery(write_window, 1), 14, "CR0.WP: a supervisor write to a read-only page faults");
    check_eq(last_trap.error, 3, "#PF error: present, write, supervisor");
    write_cr0(read_cr0() & ~0x10000u);
    check_eq(with_fault_recovery(write_window, 7), (u32)-1, "CR0.WP clear: the supervisor write goes through");
    check_eq(frame[0], 7, "CR0.WP clear: the frame was written");
    map(kernel_pd, WINDOW, (u32)frame, P | RW);
    check_eq(run_in_user_mode(read_window, 0), 14, "ring 3: reading a supervisor page faults");
    check_eq(last_trap.error, 5, "#PF error: present, read, user");
    map(kernel_pd, WINDOW, (u32)frame, P | US);
    check_eq(run_in_user_mode(write_window, 9), 14, "ring 3: writing a read-only page faults");
    check_eq(last_trap.error, 7, "#PF error: present, write, user");
    check_eq(run_in_user_mode(read_window, 0), 0x80, "ring 3: reading a user page works");
}

static void big_pages(void) {
    write_cr4(read_cr4() | 0x10);
    u32 physical = 12u << 20;
    kernel_pd[(WINDOW + (4u << 20)) >> 22] = physical | P | RW | PS;
    invlpg(WINDOW + (4u << 20));
    *(volatile u32 *)(WINDOW + (4u << 20) + 0x3ff000) = 0xb16;
    check_eq(*(volatile u32 *)(physical + 0x3ff000), 0xb16, "4M page: the last 4 KiB of the big page");
    check((kernel_pd[(WINDOW + (4u << 20)) >> 22] & (A | D)) == (A | D), "4M page: A and D in the PDE");
}

static void copy_on_write(void) {
    u32 *original = alloc_page();
    original[0] = 111;
    map(kernel_pd, WINDOW, (u32)original, P | US);
    check_eq(run_in_user_mode(write_window, 222), 14, "copy-on-write: the write to the shared page faults");
    u32 *copy = alloc_page();
    memcpy(copy, original, 4096);
    *pte(kernel_pd, WINDOW) = (u32)copy | P | RW | US;
    invlpg(WINDOW);
    check_eq(run_in_user_mode(write_window, 222), 0x80, "copy-on-write: the retried write succeeds");
    check(original[0] == 111 && copy[0] == 222, "copy-on-write: the original is untouched, the copy written");
}

static void clear_table_with_rep_stosd(void) {
    u32 *frames[8];
    for (int i = 0; i < 8; i++) {
        frames[i] = alloc_page();
        map(kernel_pd, WINDOW + 0x1000 * i, (u32)frames[i], P | RW);
        *(volatile u32 *)(WINDOW + 0x1000 * i) = i;
    }
    u32 *table = pte(kernel_pd, WINDOW);
    u32 count = 8;
    void *p = table;
    __asm__ volatile("cld; rep stosl" : "+D"(p), "+c"(count) : "a"(0) : "memory");
    check(count == 0 && p == table + 8, "REP STOSD over a live page table completes");
    int faults = 0;
    for (int i = 0; i < 8; i++) {
        faults += with_fault_recovery(read_window, 0x1000 * i) == 14;
    }
    check_eq(faults, 8, "REP STOSD: every cleared entry is gone without INVLPG");
}

static void btr_on_ptes(void) {
    u32 *frame = alloc_page();
    map(kernel_pd, WINDOW, (u32)frame, P | RW | US);
    check_eq(run_in_user_mode(write_window, 5), 0x80, "BTR: the page is writable first");
    u32 *entry = pte(kernel_pd, WINDOW);
    __asm__ volatile("lock btrl $1, %0" : "+m"(*entry) : : "memory", "cc");
    check((*entry & RW) == 0, "BTR cleared RW in the PTE");
    check_eq(run_in_user_mode(write_window, 6), 14, "BTR: the write now faults without INVLPG");
    check_eq(frame[0], 5, "BTR: the frame kept the first write");
}

static void push_into_reused_table(void) {
    u32 *table = alloc_page();
    u32 *frame = alloc_page();
    frame[0] = 42;
    u32 linear = WINDOW + (8u << 20);
    kernel_pd[linear >> 22] = (u32)table | P | RW;
    table[0] = (u32)frame | P | RW;
    invlpg(linear);
    check_eq(*(volatile u32 *)linear, 42, "a page table in use");
    kernel_pd[linear >> 22] = 0;
    invlpg(linear);
    u32 top = (u32)table + 4096, sum = 0;
    __asm__ volatile(
            "mov %%esp, %%edx; mov %1, %%esp;"
            "push $1; push $2; push $3; pushf; pusha; popa; popf; pop %%eax; pop %%ecx; pop %%ebx;"
            "add %%ecx, %%eax; add %%ebx, %%eax; mov %%edx, %%esp; mov %%eax, %0"
            : "=r"(sum) : "r"(top) : "eax", "ebx", "ecx", "edx", "memory", "cc");
    check_eq(sum, 6, "PUSH into a page that was a page table");
    check_eq(with_fault_recovery(read_window, 8u << 20), 14, "the old table no longer maps anything");
}

static void user_write(u32 value) {
    *(volatile u32 *)WINDOW = value;
}

static volatile u32 seen;

static void user_read(u32 unused) {
    (void)unused;
    seen = *(volatile u32 *)WINDOW;
}

static void processes(void) {
    u32 *pd_a = new_directory(), *pd_b = new_directory();
    u32 *frame_a = alloc_page(), *frame_b = alloc_page();
    map(pd_a, WINDOW, (u32)frame_a, P | RW | US);
    map(pd_b, WINDOW, (u32)frame_b, P | RW | US);
    u32 kernel_cr3 = read_cr3();
    for (int round = 0; round < 3; round++) {
        write_cr3((u32)pd_a);
        run_in_user_mode(user_write, 0xa0 + round);
        write_cr3((u32)pd_b);
        run_in_user_mode(user_write, 0xb0 + round);
    }
    write_cr3((u32)pd_a);
    run_in_user_mode(user_read, 0);
    u32 in_a = seen;
    write_cr3((u32)pd_b);
    run_in_user_mode(user_read, 0);
    u32 in_b = seen;
    write_cr3(kernel_cr3);
    check(frame_a[0] == 0xa2 && frame_b[0] == 0xb2, "processes: each address space wrote its own frame");
    check(in_a == 0xa2 && in_b == 0xb2, "processes: each reads its own value at the same address");
}

static void pae(void) {
    write_cr0(read_cr0() & ~0x80000000u);
    u64 *pdpt = alloc_page();
    u64 *pd = alloc_page();
    u64 *pd_high = alloc_page();
    u64 *pt = alloc_page();
    pdpt[0] = (u32)pd | P;
    pdpt[1] = (u32)pd_high | P;
    for (u32 i = 0; i < IDENTITY_MB / 2; i++) {
        pd[i] = (i << 21) | P | RW | US | PS;
    }
    u32 *frame = alloc_page();
    pd_high[0] = (u32)pt | P | RW | US;
    pt[1] = (u32)frame | P | RW;
    write_cr4(read_cr4() | 0x20);
    wrmsr(0xc0000080, 0x800);
    write_cr3((u32)pdpt);
    write_cr0(read_cr0() | 0x80000000u);
    *(volatile u32 *)(WINDOW + 0x1000) = 0xfae;
    check_eq(frame[0], 0xfae, "PAE: a 4K page through the second directory");
    check((pt[1] & (A | D)) == (A | D), "PAE: A and D in a 64-bit PTE");
    u8 *code = (u8 *)(14u << 20);
    code[0] = 0xb8; /* mov eax, 0x11 ; ret */
    code[1] = 0x11;
    code[2] = code[3] = code[4] = 0;
    code[5] = 0xc3;
    u32 (*function)(void) = (u32 (*)(void))code;
    check_eq(function(), 0x11, "PAE: code runs from a 2M page");
    pd[7] |= 1ull << 63;
    invlpg((u32)code);
    check_eq(with_fault_recovery((void (*)(u32))code, 0), 14, "NX: a call into a no-execute page faults");
    check_eq(last_trap.error, 0x11, "#PF error: present, instruction fetch");
    check_eq(last_trap.cr2, (u32)code, "NX: CR2 is the target");
    check_eq(*(volatile u32 *)code & 0xff, 0xb8, "NX: data reads of the page still work");
}

int guest_main(u32 magic, u32 info) {
    (void)magic;
    (void)info;
    setup_descriptors();
    kernel_pd = new_directory();
    write_cr3((u32)kernel_pd);
    write_cr0(read_cr0() | 0x80000000u);
    check((read_cr0() & 0x80000000u) != 0, "paging on");
    small_pages();
    page_faults();
    big_pages();
    copy_on_write();
    clear_table_with_rep_stosd();
    btr_on_ptes();
    push_into_reused_table();
    processes();
    pae();
    return finish("paging");
}
