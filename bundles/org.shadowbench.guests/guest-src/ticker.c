/*
 * The guest of the sample third-party device (releng/sample-device): waits until the example ticker
 * arrives at 0xfeb00000 (its bundle installed into the running machine), then runs it at 500 us per
 * tick with interrupts on ISA line 5 through the 8259, acknowledging each one, and checks that every
 * tick was one interrupt.
 */
#include "lib/runtime.h"

#define TICKER_ID 0x4b434954u /* "TICK" */
#define TICKS 20

static volatile u32 *const ticker = (volatile u32 *)0xfeb00000u;
static volatile u32 acknowledged;

static void on_irq(int irq) {
    if (irq == 5 && (ticker[4] & 1)) {
        ticker[4] = 1;
        acknowledged++;
    }
}

int guest_main(u32 magic, u32 info) {
    (void)magic;
    (void)info;
    setup_descriptors();
    printf("  waiting for the ticker\n");
    for (u32 i = 0; i < 2000000000u && ticker[0] != TICKER_ID; i++) {
        __asm__ volatile("pause");
    }
    check_eq(ticker[0], TICKER_ID, "ticker: the device arrived (identification TICK)");
    check_eq(ticker[5], 5, "ticker: interrupts on ISA line 5");
    pic_init(0xdf, 0xff);
    irq_hook = on_irq;
    ticker[1] = 500;
    check_eq(ticker[1], 500, "ticker: the period reads back");
    ticker[2] = 3;
    __asm__ volatile("sti");
    while (irq_count[5] < TICKS) {
        __asm__ volatile("hlt");
    }
    __asm__ volatile("cli");
    ticker[2] = 0;
    u32 ticks = ticker[3];
    printf("  %u ticks, %u interrupts acknowledged\n", ticks, acknowledged);
    check_eq(acknowledged, TICKS, "ticker: every interrupt acknowledged");
    check(ticks == TICKS || ticks == TICKS + 1, "ticker: one interrupt per tick");
    check_eq(ticker[4], ticks > TICKS ? 1 : 0, "ticker: a tick after the last interrupt stays pending");
    return finish("ticker");
}
