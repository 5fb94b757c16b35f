package org.shadowbench.guests.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.junit.jupiter.api.Test;
import org.shadowbench.guests.GuestSuite;

/** Symbols of the bundled guests, as tests and tools look them up. */
class GuestSymbolsTest {
    @Test
    void theEntrySymbolIsTheElfEntryPoint() {
        for (String guest : GuestSuite.BENCHMARKS) {
            int entry = ByteBuffer.wrap(GuestSuite.image(guest)).order(ByteOrder.LITTLE_ENDIAN).getInt(0x18);
            assertEquals(entry, GuestSuite.symbol(guest, "_start"), guest);
        }
    }

    @Test
    void functionsAndDataHaveTheirOwnAddresses() {
        int heapWrite = GuestSuite.symbol("demo", "heap_write");
        int lastTrap = GuestSuite.symbol("demo", "last_trap");
        assertNotEquals(heapWrite, lastTrap);
        // Linked at 1 MiB like every multiboot kernel here.
        assertTrue(heapWrite >= 0x10_0000 && lastTrap >= 0x10_0000, Integer.toHexString(heapWrite));
    }

    @Test
    void anUnknownSymbolOrGuestIsAClearError() {
        IllegalArgumentException symbol = assertThrows(IllegalArgumentException.class,
                () -> GuestSuite.symbol("demo", "no_such_symbol"));
        assertTrue(symbol.getMessage().contains("no_such_symbol"), symbol.getMessage());
        IllegalArgumentException guest = assertThrows(IllegalArgumentException.class,
                () -> GuestSuite.symbol("no-such-guest", "_start"));
        assertTrue(guest.getMessage().contains("no-such-guest"), guest.getMessage());
    }
}
