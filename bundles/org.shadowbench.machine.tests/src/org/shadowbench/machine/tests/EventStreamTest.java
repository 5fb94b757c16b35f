package org.shadowbench.machine.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.shadowbench.cpu.CpuTracer;
import org.shadowbench.devices.debugexit.DebugExitPort;
import org.shadowbench.machine.EventStream;
import org.shadowbench.machine.EventStream.Event;
import org.shadowbench.machine.EventStream.Kind;
import org.shadowbench.machine.GuestLoadException;
import org.shadowbench.machine.Machine;
import org.shadowbench.machine.MachineConfiguration;

/** The event stream's ring: order, totals, readers that fall behind, a writer racing a reader, and a machine feeding it. */
class EventStreamTest {
    @Test
    void readersSeeEventsInOrderFromWhereTheyStarted() {
        EventStream stream = new EventStream(16);
        stream.record(Kind.POOL_ALLOC, 5, 1, 0x1000);
        EventStream.Reader reader = stream.reader();
        stream.record(Kind.POOL_FLUSH, 6, 1, 0x1000);
        stream.record(Kind.DEVICE_ARRIVED, 7, 1, 0, "com1");
        List<Event> seen = new ArrayList<>();
        assertEquals(1, reader.poll(seen::add, 1), "at most max events");
        assertEquals(1, reader.poll(seen::add, 10));
        assertEquals(0, reader.poll(seen::add, 10), "nothing new");
        assertEquals(List.of(new Event(1, 6, Kind.POOL_FLUSH, 1, 0x1000, null), new Event(2, 7, Kind.DEVICE_ARRIVED, 1, 0, "com1")),
                seen);
        assertEquals(0, reader.lost());
        assertEquals(3, stream.recorded());
        assertEquals(1, stream.total(Kind.POOL_ALLOC));
        assertEquals(0, stream.total(Kind.SHADOW_SYNC));
    }

    @Test
    void aReaderThatFallsBehindLosesTheOldestEventsAndIsToldHowMany() {
        EventStream stream = new EventStream(16);
        assertEquals(16, stream.capacity());
        EventStream.Reader reader = stream.reader();
        for (int i = 0; i < 100; i++) {
            stream.record(Kind.SHADOW_SYNC, i, i, 0);
        }
        List<Event> seen = new ArrayList<>();
        reader.poll(seen::add, Integer.MAX_VALUE);
        // One slot stays out of reach: the writer may be rewriting it.
        assertEquals(15, seen.size());
        assertEquals(85, reader.lost());
        assertEquals(85, seen.get(0).sequence());
        assertEquals(99, seen.get(14).a());
        assertEquals(100, stream.total(Kind.SHADOW_SYNC), "totals count every event, read or not");
    }

    @Test
    void aReaderRacingTheWriterNeverSeesATornEvent() throws InterruptedException {
        EventStream stream = new EventStream(64);
        EventStream.Reader reader = stream.reader();
        int events = 2_000_000;
        Thread writer = new Thread(() -> {
            for (int i = 0; i < events; i++) {
                stream.record(Kind.HANDLER_WRITE, i, i, ~(long) i);
            }
        });
        AtomicReference<String> problem = new AtomicReference<>();
        long[] expected = {0};
        long[] delivered = {0};
        writer.start();
        while (true) {
            // Read whether the writer is done before polling: a poll after its end sees everything.
            boolean writing = writer.isAlive();
            int read = reader.poll(event -> {
                delivered[0]++;
                if (event.a() != event.sequence() || event.b() != ~event.sequence() || event.nanos() != event.sequence()
                        || event.sequence() < expected[0]) {
                    problem.compareAndSet(null, "torn or out of order: " + event + " expecting at least " + expected[0]);
                }
                expected[0] = event.sequence() + 1;
            }, 1000);
            if (!writing && read == 0) {
                break;
            }
        }
        writer.join();
        assertNull(problem.get());
        assertEquals(events, delivered[0] + reader.lost(), "every event was either read or counted lost");
    }

    @Test
    void theMachineReportsDevicesFaultsAndPoolActivityAndStillFeedsTheUsersTracer() throws GuestLoadException {
        try (Machine machine = new Machine(MachineConfiguration.defaults().withRam(16L << 20))) {
            EventStream.Reader reader = machine.events().reader();
            DebugExitPort exit = new DebugExitPort();
            machine.attach(exit);
            long[] userFaults = {0};
            machine.setTracer(new CpuTracer() {
                @Override
                public void event(int vector, int errorCode, int eip, int cr2) {
                    userFaults[0]++;
                }
            });
            // Flat protected mode, no IDT: ud2 ends in a triple fault, after #UD, then #DF and a third try.
            machine.loadFlat(HexFormat.of().parseHex("c7050000200011000000" + "0f0b"), 0x8000);
            machine.start();
            machine.run(1000, Duration.ofSeconds(10)).join();
            machine.execute(m -> m.detach(exit)).join();
            List<Event> seen = new ArrayList<>();
            machine.submit(m -> reader.poll(seen::add, Integer.MAX_VALUE)).join();
            assertEquals(new Event(0, 0, Kind.DEVICE_ARRIVED, 1, 0, "debug-exit"), seen.get(0));
            Event last = seen.get(seen.size() - 1);
            assertEquals(Kind.DEVICE_DEPARTED, last.kind());
            assertEquals("debug-exit", last.detail());
            assertTrue(seen.stream().anyMatch(e -> e.kind() == Kind.POOL_ALLOC), "the physical-mode tables: " + seen);
            List<Event> faults = seen.stream().filter(e -> e.kind() == Kind.GUEST_FAULT).toList();
            assertTrue(!faults.isEmpty() && faults.get(0).a() == 6, "#UD first: " + faults);
            assertEquals(faults.size(), userFaults[0], "the user's tracer saw the same faults");
            assertTrue(faults.get(0).nanos() > 0, "stamped with virtual time");
            assertEquals(0, reader.lost());
        }
    }
}
