/* The guest runtime: serial output, the test harness, descriptor tables, fault recovery, paging helpers. */
#ifndef RUNTIME_H
#define RUNTIME_H

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;
typedef int s32;
typedef long long s64;

#define KERNEL_CODE 0x08
#define KERNEL_DATA 0x10
#define USER_CODE 0x1b
#define USER_DATA 0x23
#define TSS_SELECTOR 0x28

static inline void outb(u16 port, u8 v) { __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port)); }
static inline void outw(u16 port, u16 v) { __asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port)); }
static inline u8 inb(u16 port) { u8 v; __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline u32 read_cr0(void) { u32 v; __asm__ volatile("mov %%cr0, %0" : "=r"(v)); return v; }
static inline u32 read_cr2(void) { u32 v; __asm__ volatile("mov %%cr2, %0" : "=r"(v)); return v; }
static inline u32 read_cr3(void) { u32 v; __asm__ volatile("mov %%cr3, %0" : "=r"(v)); return v; }
static inline u32 read_cr4(void) { u32 v; __asm__ volatile("mov %%cr4, %0" : "=r"(v)); return v; }
static inline void write_cr0(u32 v) { __asm__ volatile("mov %0, %%cr0" : : "r"(v) : "memory"); }
static inline void write_cr3(u32 v) { __asm__ volatile("mov %0, %%cr3" : : "r"(v) : "memory"); }
static inline void write_cr4(u32 v) { __asm__ volatile("mov %0, %%cr4" : : "r"(v) : "memory"); }
static inline void invlpg(u32 a) { __asm__ volatile("invlpg (%0)" : : "r"(a) : "memory"); }
static inline void wrmsr(u32 msr, u64 v) { __asm__ volatile("wrmsr" : : "c"(msr), "a"((u32)v), "d"((u32)(v >> 32))); }
static inline u64 rdmsr(u32 msr) { u32 lo, hi; __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr)); return ((u64)hi << 32) | lo; }
static inline u64 rdtsc(void) { u32 lo, hi; __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi)); return ((u64)hi << 32) | lo; }

/* Called before guest_main: sets COM1 up. */
void runtime_init(void);

/* Serial output on COM1 and a small printf: %d %u %x %08x %s %c %%. */
void putc_serial(char c);
void puts_serial(const char *s);
void printf(const char *format, ...);

/* Ends the run: code 0 through the Bochs shutdown port (runner exit code 0), else debug-exit (2n+1). */
void guest_exit(int code) __attribute__((noreturn));

/* The harness: each check prints "PASS name" or "FAIL name: detail"; finish() reports and exits. */
void check(int condition, const char *name);
void check_eq(u32 actual, u32 expected, const char *name);
int finish(const char *suite);

/* Memory helpers (the compiler may call memset/memcpy itself). */
void *memset(void *d, int c, u32 n);
void *memcpy(void *d, const void *s, u32 n);
int memcmp_equal(const void *a, const void *b, u32 n);

/* Descriptor tables: flat kernel and user segments, a TSS with its own ring-0 stack, all vectors. */
void setup_descriptors(void);

/* What the last trap reported. */
struct trap_info {
    u32 vector, error, eip, cs, cr2, count;
};
extern volatile struct trap_info last_trap;

/* Fault recovery: run fn(arg); if a fault arrives, resume here with its vector. Returns -1 if none. */
int with_fault_recovery(void (*fn)(u32), u32 arg);

/* Runs fn(arg) in ring 3 (flat user segments, its own user stack); returns the vector that ended it
   (0x80 for the system call "int $0x80" that returns to the kernel) or -1 if fn returned. */
int run_in_user_mode(void (*fn)(u32), u32 arg);

/* Hardware interrupts: the PICs remapped to vectors 0x20-0x2f; each IRQ is counted and acknowledged. */
extern volatile u32 irq_count[16];
/* Called (when set) in the interrupt handler of each IRQ, before the EOI. */
extern void (*volatile irq_hook)(int irq);
void pic_init(u8 master_mask, u8 slave_mask);

/* APIC interrupts: vectors 0x30-0x3f are counted, passed to apic_hook and ended with an EOI to the
   local APIC (once local_apic points at its registers); vector 0xff, the spurious one, is counted. */
extern volatile u32 apic_vector_count[16];
extern volatile u32 spurious_count;
extern void (*volatile apic_hook)(int vector);
extern volatile u32 *volatile local_apic;

/* A number given on the kernel command line as key=value (decimal), or the default. */
u32 command_line_number(u32 multiboot_info, const char *key, u32 default_value);

/* A page-aligned allocator for page tables and test pages (from a pool above the kernel). */
void *alloc_page(void);
#endif
