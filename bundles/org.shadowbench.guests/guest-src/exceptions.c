/* Self-checking exceptions in ring 0 and ring 3: vectors, error codes, faulting EIPs and recovery. */
#include "lib/runtime.h"

static volatile u32 zero = 0;

static void divide_by_zero(u32 unused) {
    (void)unused;
    u32 q;
    __asm__ volatile("div %2" : "=a"(q) : "a"(1), "r"(zero), "d"(0));
}

static void invalid_opcode(u32 unused) {
    (void)unused;
    __asm__ volatile("ud2");
}

static void breakpoint(u32 unused) {
    (void)unused;
    __asm__ volatile("int3");
}

static void bad_selector(u32 selector) {
    __asm__ volatile("mov %0, %%ds" : : "r"(selector));
}

static void bad_gate(u32 unused) {
    (void)unused;
    __asm__ volatile("int $0x41");
}

static void overflow(u32 unused) {
    (void)unused;
    __asm__ volatile("mov $0x7f, %%al; add $1, %%al; into" : : : "eax", "cc");
}

static void out_of_bounds(u32 index) {
    static const s32 bounds[2] = { 10, 20 };
    __asm__ volatile("bound %0, %1" : : "r"(index), "m"(bounds));
}

static void single_step(u32 unused) {
    (void)unused;
    __asm__ volatile("pushf; orl $0x100, (%%esp); popf; nop; nop" : : : "memory", "cc");
}

static void x87(u32 unused) {
    (void)unused;
    __asm__ volatile(".byte 0xd9, 0xe8"); /* fld1 */
}

static void misaligned_fxsave(u32 unused) {
    static u8 area[1024] __attribute__((aligned(16)));
    __asm__ volatile("fxsave %0" : "=m"(area[8 + unused]));
}

/* Ring 3 bodies: they must not touch ports (IOPL 0), so failures are reported by the kernel. */
static void user_cli(u32 unused) {
    (void)unused;
    __asm__ volatile("cli");
}

static void user_hlt(u32 unused) {
    (void)unused;
    __asm__ volatile("hlt");
}

static void user_write_cr3(u32 unused) {
    (void)unused;
    __asm__ volatile("mov %%eax, %%cr3" : : "a"(0));
}

static void user_int3(u32 unused) {
    (void)unused;
    __asm__ volatile("int3");
}

static void user_kernel_gate(u32 unused) {
    (void)unused;
    __asm__ volatile("int $0x0d");
}

static volatile u32 user_result;

static void user_computes(u32 n) {
    u32 sum = 0;
    for (u32 i = 1; i <= n; i++) {
        sum += i;
    }
    user_result = sum;
}

int guest_main(u32 magic, u32 info) {
    (void)magic;
    (void)info;
    setup_descriptors();
    check_eq(with_fault_recovery(divide_by_zero, 0), 0, "#DE for a division by zero");
    check(last_trap.eip >= (u32)divide_by_zero && last_trap.eip < (u32)divide_by_zero + 32, "#DE reports the DIV");
    check_eq(with_fault_recovery(invalid_opcode, 0), 6, "#UD for UD2");
    check_eq(with_fault_recovery(breakpoint, 0), 3, "#BP for INT3");
    check(*(u8 *)(last_trap.eip - 1) == 0xcc, "#BP is a trap: EIP after the INT3");
    check_eq(with_fault_recovery(bad_selector, 0x1233), 13, "#GP for a selector beyond the GDT");
    check_eq(last_trap.error, 0x1230, "#GP error code is the selector without its RPL");
    check_eq(with_fault_recovery(bad_gate, 0), 13, "#GP for INT through an empty gate");
    check_eq(last_trap.error, 0x41 * 8 + 2, "#GP error code names the IDT entry");
    check_eq(with_fault_recovery(overflow, 0), 4, "#OF for INTO after an overflow");
    check_eq(with_fault_recovery(out_of_bounds, 15), (u32)-1, "BOUND within bounds");
    check_eq(with_fault_recovery(out_of_bounds, 21), 5, "#BR for BOUND out of bounds");
    check_eq(with_fault_recovery(single_step, 0), 1, "#DB after an instruction run with TF");
    check_eq(with_fault_recovery(x87, 0), 6, "#UD for x87 without an FPU");
    write_cr0(read_cr0() | 0x4);
    check_eq(with_fault_recovery(x87, 0), 7, "#NM for x87 with CR0.EM");
    write_cr0(read_cr0() & ~0x4u);
    check_eq(with_fault_recovery(misaligned_fxsave, 0), 13, "#GP for a misaligned FXSAVE");
    check_eq(run_in_user_mode(user_cli, 0), 13, "ring 3: CLI at IOPL 0 is #GP");
    check_eq(last_trap.cs, USER_CODE, "ring 3: the frame shows the user code segment");
    check_eq(run_in_user_mode(user_hlt, 0), 13, "ring 3: HLT is #GP");
    check_eq(run_in_user_mode(user_write_cr3, 0), 13, "ring 3: MOV CR3 is #GP");
    check_eq(run_in_user_mode(user_int3, 0), 3, "ring 3: INT3 through a DPL 3 gate");
    check_eq(run_in_user_mode(user_kernel_gate, 0), 13, "ring 3: INT through a DPL 0 gate is #GP");
    check_eq(last_trap.error, 0x0d * 8 + 2, "ring 3: the error code names the gate");
    check_eq(run_in_user_mode(user_computes, 100), 0x80, "ring 3: a computation ends with its system call");
    check_eq(user_result, 5050, "ring 3: the result");
    return finish("exceptions");
}
