/* Boots and ends at once: measures what an emulator spends outside the guest (boot, set-up, exit). */
#include "lib/runtime.h"

int guest_main(u32 magic, u32 info) {
    (void)magic;
    (void)info;
    return 0;
}
