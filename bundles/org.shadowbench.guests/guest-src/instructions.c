/* Self-checking instruction groups: each result and flag set worked out from the SDM. */
#include "lib/runtime.h"

#define CF 0x001
#define PF 0x004
#define AF 0x010
#define ZF 0x040
#define SF 0x080
#define OF 0x800
#define ARITH (CF | PF | AF | ZF | SF | OF)

static volatile u32 v0 = 0, v1 = 1, v5 = 5, vmax = 0x7fffffff, vall = 0xffffffff, vmin = 0x80000000;

/* Runs "op %2, %0" style two-operand arithmetic and returns the result; *flags gets EFLAGS. */
#define ALU(insn, a, b, flags) ({ u32 r = (a); __asm__ volatile(insn " %2, %0; pushf; pop %1" \
        : "+r"(r), "=r"(flags) : "r"(b) : "cc"); r; })

static void alu(void) {
    u32 f, r;
    r = ALU("add", vmax, v1, f);
    check(r == 0x80000000 && (f & ARITH) == (OF | SF | AF | PF), "add overflow to the sign");
    r = ALU("add", vall, v1, f);
    check(r == 0 && (f & ARITH) == (CF | ZF | AF | PF), "add carry to zero");
    r = ALU("sub", v0, v1, f);
    check(r == 0xffffffff && (f & ARITH) == (CF | SF | AF | PF), "sub borrow");
    r = ALU("sub", vmin, v1, f);
    check(r == 0x7fffffff && (f & ARITH) == (OF | AF | PF), "sub overflow");
    r = ALU("and", vall, v5, f);
    check(r == 5 && (f & ARITH) == PF, "and keeps parity of the low byte");
    r = ALU("xor", v5, v5, f);
    check(r == 0 && (f & ARITH) == (ZF | PF), "xor to zero");
    u32 a = 0xffffffff, b = 0;
    __asm__ volatile("stc; adc %2, %0; pushf; pop %1" : "+r"(a), "=r"(f) : "r"(b) : "cc");
    check(a == 0 && (f & CF) && (f & ZF), "adc with carry in");
    a = 5;
    __asm__ volatile("neg %0; pushf; pop %1" : "+r"(a), "=r"(f) : : "cc");
    check(a == 0xfffffffb && (f & ARITH) == (CF | SF | AF), "neg");
    a = 0x7fffffff;
    __asm__ volatile("stc; inc %0; pushf; pop %1" : "+r"(a), "=r"(f) : : "cc");
    check(a == 0x80000000 && (f & ARITH) == (CF | OF | SF | AF | PF), "inc keeps CF");
}

static void multiply_divide(void) {
    u32 lo, hi, f;
    __asm__ volatile("mul %4; pushf; pop %2" : "=a"(lo), "=d"(hi), "=r"(f) : "a"(0x80000000), "r"(v5 - 1) : "cc");
    check(lo == 0 && hi == 2 && (f & (CF | OF)) == (CF | OF), "mul into edx");
    __asm__ volatile("imul %3" : "=a"(lo), "=d"(hi) : "a"(-2), "r"(v5 - 2));
    check(lo == (u32)-6 && hi == 0xffffffff, "imul signed");
    u32 q, r;
    __asm__ volatile("div %4" : "=a"(q), "=d"(r) : "a"(100), "d"(0), "r"(v5 + 2));
    check(q == 14 && r == 2, "div");
    __asm__ volatile("idiv %4" : "=a"(q), "=d"(r) : "a"(-7), "d"(-1), "r"(v5 - 3));
    check(q == (u32)-3 && r == (u32)-1, "idiv rounds toward zero");
    u32 product = vmax;
    __asm__ volatile("imul $3, %0, %0; pushf; pop %1" : "+r"(product), "=r"(f) : : "cc");
    check(product == 0x7ffffffd && (f & (CF | OF)) == (CF | OF), "imul three operands truncates and overflows");
}

static void shifts_and_bits(void) {
    u32 a = 0x80000001, f;
    __asm__ volatile("shl $1, %0; pushf; pop %1" : "+r"(a), "=r"(f) : : "cc");
    check(a == 2 && (f & (CF | OF)) == (CF | OF), "shl by one");
    a = 0x80000000;
    __asm__ volatile("sar $31, %0" : "+r"(a));
    check(a == 0xffffffff, "sar fills with the sign");
    a = 0x80000001;
    __asm__ volatile("rol $1, %0; pushf; pop %1" : "+r"(a), "=r"(f) : : "cc");
    check(a == 3 && (f & CF), "rol");
    a = 0x12345678;
    u32 b = 0x9abcdef0;
    __asm__ volatile("shld $8, %1, %0" : "+r"(a) : "r"(b));
    check(a == 0x3456789a, "shld");
    a = 0x00f00100;
    u32 first, last;
    __asm__ volatile("bsf %2, %0; bsr %2, %1" : "=&r"(first), "=&r"(last) : "r"(a));
    check(first == 8 && last == 23, "bsf and bsr");
    u32 bits = 0b1010, carry;
    __asm__ volatile("bts $2, %0; btr $3, %0; btc $0, %0; setc %b1; movzbl %b1, %1" : "+r"(bits), "=q"(carry) : : "cc");
    check(bits == 0b0111 && carry == 0, "bts btr btc");
    a = 0x11223344;
    __asm__ volatile("bswap %0" : "+r"(a));
    check(a == 0x44332211, "bswap");
}

static void strings(void) {
    static u8 src[64], dst[64];
    for (int i = 0; i < 64; i++) {
        src[i] = (u8)(i * 3);
    }
    u32 count = 16;
    void *s = src, *d = dst;
    __asm__ volatile("cld; rep movsl" : "+S"(s), "+D"(d), "+c"(count) : : "memory");
    int same = 1;
    for (int i = 0; i < 64; i++) {
        same &= dst[i] == src[i];
    }
    check(same && count == 0, "rep movsd");
    d = dst + 63;
    count = 64;
    __asm__ volatile("std; rep stosb; cld" : "+D"(d), "+c"(count) : "a"(0x5a) : "memory");
    check(dst[0] == 0x5a && dst[63] == 0x5a && (u32)d == (u32)dst - 1, "rep stosb backwards");
    static const char text[] = "hello, world";
    const char *p = text;
    count = 100;
    __asm__ volatile("cld; repne scasb" : "+D"(p), "+c"(count) : "a"(','));
    check(p == text + 6 && count == 94, "repne scasb");
    count = 0;
    d = dst;
    __asm__ volatile("rep stosb" : "+D"(d), "+c"(count) : "a"(0) : "memory");
    check(d == dst && dst[0] == 0x5a, "rep with a zero count");
}

static void exchanges(void) {
    static volatile u32 word = 10;
    u32 old = 5;
    __asm__ volatile("lock xaddl %0, %1" : "+r"(old), "+m"(word) : : "memory");
    check(old == 10 && word == 15, "lock xadd");
    u32 expected = 15, seen;
    __asm__ volatile("lock cmpxchgl %2, %1" : "=a"(seen), "+m"(word) : "r"(99), "0"(expected) : "memory");
    check(word == 99 && seen == 15, "lock cmpxchg");
    static volatile u64 quad = 0x1111222233334444ull;
    u32 lo = 0x33334444, hi = 0x11112222;
    __asm__ volatile("lock cmpxchg8b %0" : "+m"(quad), "+a"(lo), "+d"(hi) : "b"(0x77778888), "c"(0x55556666) : "memory");
    check(quad == 0x5555666677778888ull, "lock cmpxchg8b");
}

static void conditions_and_bcd(void) {
    u32 small = v1, big = v5, result = 0;
    __asm__ volatile("cmp %2, %1; cmovb %2, %0" : "+r"(result) : "r"(small), "r"(big) : "cc");
    check(result == 5, "cmovb");
    u8 below;
    __asm__ volatile("cmp %2, %1; setb %0" : "=q"(below) : "r"(vall), "r"(v1) : "cc");
    check(below == 0, "setb unsigned");
    u32 ax = 0x79;
    __asm__ volatile("add $0x35, %%al; daa" : "+a"(ax) : : "cc");
    check((ax & 0xff) == 0x14, "daa");
    ax = 63;
    __asm__ volatile("aam" : "+a"(ax));
    check((ax & 0xffff) == 0x0603, "aam");
    u32 n = 0, loops = 5;
    __asm__ volatile("1: inc %0; loop 1b" : "+r"(n), "+c"(loops));
    check(n == 5 && loops == 0, "loop");
}

static void system(void) {
    u32 a, b, c, d;
    __asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(0));
    check(b == 0x756e6547 && d == 0x49656e69 && c == 0x6c65746e, "cpuid vendor GenuineIntel");
    u64 t1 = rdtsc(), t2 = rdtsc();
    check(t2 > t1, "rdtsc advances");
    u64 efer = rdmsr(0xc0000080);
    check(efer == 0, "efer starts clear");
}

int guest_main(u32 magic, u32 info) {
    (void)info;
    printf("instructions: multiboot magic %x\n", magic);
    check(magic == 0x2badb002, "multiboot magic");
    setup_descriptors();
    alu();
    multiply_divide();
    shifts_and_bits();
    strings();
    exchanges();
    conditions_and_bcd();
    system();
    return finish("instructions");
}
