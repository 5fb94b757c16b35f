/*
 * The demo guest: a tiny kernel that boots, turns on paging, and forks "processes" the way a
 * Unix kernel does (copy the parent's page directory, share pages read-only, copy on the first
 * write), switching between them; then it checks that every process saw only its own memory.
 * Run it with --info pool to see the shadow pool that served it.
 */
#include "lib/runtime.h"

#define P 0x001
#define RW 0x002
#define US 0x004
#define HEAP 0x40000000u
#define HEAP_PAGES 16
#define MAX_PROCESSES 64

struct process {
    u32 *pd;
    u32 writes;
};

static struct process processes[MAX_PROCESSES];
static u32 *kernel_pd;

static u32 *table_of(u32 *pd, u32 linear) {
    u32 *pde = &pd[linear >> 22];
    if ((*pde & P) == 0) {
        *pde = (u32)alloc_page() | P | RW | US;
    }
    return (u32 *)(*pde & ~0xfffu);
}

/* fork(): a new directory sharing the kernel's tables and the parent's heap pages read-only. */
static u32 *fork_directory(u32 *parent) {
    u32 *pd = alloc_page();
    for (u32 i = 0; i < 4; i++) {
        pd[i] = kernel_pd[i];
    }
    u32 *parent_heap = table_of(parent, HEAP);
    u32 *child_heap = table_of(pd, HEAP);
    for (u32 page = 0; page < HEAP_PAGES; page++) {
        parent_heap[page] &= ~RW;
        child_heap[page] = parent_heap[page];
    }
    write_cr3(read_cr3()); /* the parent's entries changed */
    return pd;
}

/* The page fault handler's copy-on-write: give the page its own frame, writable. */
static void copy_on_write(u32 *pd, u32 linear) {
    u32 *entry = &table_of(pd, linear)[(linear >> 12) & 1023];
    u32 *copy = alloc_page();
    memcpy(copy, (void *)(*entry & ~0xfffu), 4096);
    *entry = (u32)copy | P | RW | US;
    invlpg(linear);
}

static void heap_write(u32 value) {
    u32 page = value & (HEAP_PAGES - 1);
    *(volatile u32 *)(HEAP + page * 4096 + 4 * (value >> 8 & 0xff)) = value;
}

int guest_main(u32 magic, u32 info) {
    /* "processes=N rounds=M" on the command line make it a page-table benchmark (forkbench). */
    int process_count = (int)command_line_number(info, "processes", 8);
    int rounds = (int)command_line_number(info, "rounds", 4);
    if (process_count < 1 || process_count > MAX_PROCESSES) {
        process_count = 8;
    }
    printf("Shadowbench demo guest (multiboot magic %x)\n", magic);
    setup_descriptors();
    kernel_pd = alloc_page();
    for (u32 mb = 0; mb < 16; mb += 4) {
        u32 *pt = table_of(kernel_pd, mb << 20);
        for (u32 i = 0; i < 1024; i++) {
            pt[i] = ((mb << 20) + (i << 12)) | P | RW | US;
        }
    }
    u32 *heap = table_of(kernel_pd, HEAP);
    for (u32 page = 0; page < HEAP_PAGES; page++) {
        heap[page] = (u32)alloc_page() | P | RW | US;
    }
    write_cr3((u32)kernel_pd);
    write_cr0(read_cr0() | 0x80000000u);
    printf("paging on: 16 MiB identity-mapped, a %u-page heap at %x\n", HEAP_PAGES, HEAP);
    for (int p = 0; p < process_count; p++) {
        processes[p].pd = fork_directory(p == 0 ? kernel_pd : processes[p - 1].pd);
    }
    printf("forked %d processes sharing the heap copy-on-write\n", process_count);
    u32 faults = 0;
    for (int round = 0; round < rounds; round++) {
        for (int p = 0; p < process_count; p++) {
            write_cr3((u32)processes[p].pd);
            for (u32 i = 0; i < HEAP_PAGES * 4; i++) {
                u32 value = (u32)(p << 16) | ((i & 0xff) << 8) | (i & (HEAP_PAGES - 1));
                while (run_in_user_mode(heap_write, value) == 14) {
                    faults++;
                    copy_on_write(processes[p].pd, last_trap.cr2);
                }
                processes[p].writes++;
            }
        }
    }
    int ok = 1;
    for (int p = 0; p < process_count; p++) {
        write_cr3((u32)processes[p].pd);
        u32 last = (u32)(p << 16) | (((HEAP_PAGES * 4 - 1) & 0xff) << 8) | ((HEAP_PAGES * 4 - 1) & (HEAP_PAGES - 1));
        u32 page = last & (HEAP_PAGES - 1);
        ok &= *(volatile u32 *)(HEAP + page * 4096 + 4 * (last >> 8 & 0xff)) == last;
    }
    write_cr3((u32)kernel_pd);
    printf("%d rounds: %u copy-on-write faults, %d context switches\n", rounds, faults, rounds * process_count);
    check(faults == (u32)process_count * HEAP_PAGES, "one copy-on-write fault per process and heap page");
    check(ok, "every process reads back its own last write");
    return finish("demo");
}
