package org.shadowbench.machine.internal;

import java.util.PriorityQueue;

import org.shadowbench.cpu.Cpu;
import org.shadowbench.machine.MachineClock;

/**
 * Virtual time from the CPU's instruction count plus the time skipped while it halted, and the
 * timers ordered by deadline.
 */
final class VirtualClock implements MachineClock {
    private final Cpu cpu;
    private final PriorityQueue<VirtualTimer> queue = new PriorityQueue<>((a, b) -> a.deadline != b.deadline
            ? Long.compare(a.deadline, b.deadline) : Long.compare(a.sequence, b.sequence));
    private long idleNanos;
    private long sequence;

    VirtualClock(Cpu cpu) {
        this.cpu = cpu;
    }

    private final class VirtualTimer implements Timer {
        private final Runnable callback;
        long deadline;
        long sequence;
        boolean armed;

        VirtualTimer(Runnable callback) {
            this.callback = callback;
        }

        @Override
        public void at(long nanos) {
            if (armed) {
                queue.remove(this);
            }
            deadline = nanos;
            sequence = VirtualClock.this.sequence++;
            armed = true;
            queue.add(this);
        }

        @Override
        public void cancel() {
            if (armed) {
                queue.remove(this);
                armed = false;
            }
        }

        @Override
        public boolean armed() {
            return armed;
        }
    }

    @Override
    public long nanos() {
        return cpu.instructions() * NANOS_PER_INSTRUCTION + idleNanos;
    }

    @Override
    public Timer timer(Runnable callback) {
        return new VirtualTimer(callback);
    }

    /** Instructions the CPU may run before the next timer is due (at least 1), or Long.MAX_VALUE. */
    long instructionsUntilNextTimer() {
        VirtualTimer next = queue.peek();
        if (next == null) {
            return Long.MAX_VALUE;
        }
        long wait = next.deadline - nanos();
        return Math.max(1, (wait + NANOS_PER_INSTRUCTION - 1) / NANOS_PER_INSTRUCTION);
    }

    /** Fires every timer that is due. */
    void fireDue() {
        long now = nanos();
        VirtualTimer next;
        while ((next = queue.peek()) != null && next.deadline <= now) {
            queue.poll();
            next.armed = false;
            next.callback.run();
            now = nanos();
        }
    }

    /**
     * Lets virtual time pass to the next timer (the CPU is halted) and fires it.
     *
     * @return the nanoseconds skipped, or -1 when no timer is armed
     */
    long skipToNextTimer() {
        VirtualTimer next = queue.peek();
        if (next == null) {
            return -1;
        }
        long skipped = Math.max(0, next.deadline - nanos());
        idleNanos += skipped;
        fireDue();
        return skipped;
    }
}
