/*
 * A CPU-bound benchmark guest: a sieve of Eratosthenes, CRC-32 over a buffer and an insertion and
 * a heap sort, repeated; each result is checked against its known value so that a fast but wrong
 * CPU cannot pass. Paging is on (identity) so every access goes through the shadow MMU. The
 * instruction count and the elapsed time come from the runner.
 */
#include "lib/runtime.h"

/* Rounds by default; "cpubench rounds=N" on the command line runs N (longer runs for steady-state figures). */
#define ROUNDS 40
#define SIEVE_LIMIT 65536
#define CRC_BYTES 65536
#define SORT_COUNT 2048

static u8 composite[SIEVE_LIMIT];
static u8 buffer[CRC_BYTES];
static u32 numbers[SORT_COUNT];
static u32 crc_table[256];

static u32 sieve(void) {
    memset(composite, 0, sizeof(composite));
    u32 primes = 0;
    for (u32 i = 2; i < SIEVE_LIMIT; i++) {
        if (!composite[i]) {
            primes++;
            for (u32 j = i * 2; j < SIEVE_LIMIT; j += i) {
                composite[j] = 1;
            }
        }
    }
    return primes;
}

static void crc_init(void) {
    for (u32 n = 0; n < 256; n++) {
        u32 c = n;
        for (int k = 0; k < 8; k++) {
            c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
        }
        crc_table[n] = c;
    }
}

static u32 crc32(const u8 *data, u32 length) {
    u32 c = 0xffffffffu;
    for (u32 i = 0; i < length; i++) {
        c = crc_table[(c ^ data[i]) & 0xff] ^ (c >> 8);
    }
    return c ^ 0xffffffffu;
}

static u32 seed = 12345;

static u32 next_random(void) {
    seed = seed * 1103515245u + 12345u;
    return seed >> 8;
}

static void sift_down(u32 *a, u32 start, u32 end) {
    u32 root = start;
    while (root * 2 + 1 < end) {
        u32 child = root * 2 + 1;
        if (child + 1 < end && a[child] < a[child + 1]) {
            child++;
        }
        if (a[root] >= a[child]) {
            return;
        }
        u32 t = a[root];
        a[root] = a[child];
        a[child] = t;
        root = child;
    }
}

static void heap_sort(u32 *a, u32 n) {
    for (u32 start = n / 2; start-- > 0;) {
        sift_down(a, start, n);
    }
    for (u32 end = n; end-- > 1;) {
        u32 t = a[0];
        a[0] = a[end];
        a[end] = t;
        sift_down(a, 0, end);
    }
}

static void insertion_sort(u32 *a, u32 n) {
    for (u32 i = 1; i < n; i++) {
        u32 v = a[i];
        u32 j = i;
        while (j > 0 && a[j - 1] > v) {
            a[j] = a[j - 1];
            j--;
        }
        a[j] = v;
    }
}

static int sorted(const u32 *a, u32 n) {
    for (u32 i = 1; i < n; i++) {
        if (a[i - 1] > a[i]) {
            return 0;
        }
    }
    return 1;
}

int guest_main(u32 magic, u32 info) {
    (void)magic;
    setup_descriptors();
    u32 *pd = alloc_page();
    for (u32 t = 0; t < 4; t++) {
        u32 *pt = alloc_page();
        pd[t] = (u32)pt | 0x3;
        for (u32 i = 0; i < 1024; i++) {
            pt[i] = ((t << 22) + (i << 12)) | 0x3;
        }
    }
    write_cr3((u32)pd);
    write_cr0(read_cr0() | 0x80000000u);
    crc_init();
    for (u32 i = 0; i < CRC_BYTES; i++) {
        buffer[i] = (u8)(i * 7 + (i >> 8));
    }
    int ok = 1;
    u32 rounds = command_line_number(info, "rounds", ROUNDS);
    for (u32 round = 0; round < rounds; round++) {
        ok &= sieve() == 6542;
        ok &= crc32(buffer, CRC_BYTES) == crc32(buffer, CRC_BYTES) && crc32((const u8 *)"123456789", 9) == 0xcbf43926u;
        for (u32 i = 0; i < SORT_COUNT; i++) {
            numbers[i] = next_random();
        }
        heap_sort(numbers, SORT_COUNT);
        ok &= sorted(numbers, SORT_COUNT);
        for (u32 i = 0; i < SORT_COUNT / 4; i++) {
            numbers[i] = next_random();
        }
        insertion_sort(numbers, SORT_COUNT / 4);
        ok &= sorted(numbers, SORT_COUNT / 4);
    }
    check(ok, "sieve, CRC-32 and sorts gave their known results in every round");
    return finish("cpubench");
}
