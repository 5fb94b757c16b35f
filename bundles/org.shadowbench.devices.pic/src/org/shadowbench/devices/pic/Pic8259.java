package org.shadowbench.devices.pic;

/**
 * One 8259A as its data sheet describes it: initialisation words ICW1 to ICW4, the interrupt
 * mask (OCW1), end-of-interrupt and rotation commands (OCW2), register reads and polling (OCW3),
 * edge- or level-triggered requests, automatic EOI and priority rotation. Eight request inputs;
 * the pair in {@link Pic8259Pair} cascades the slave into the master's input 2.
 */
final class Pic8259 {
    private final boolean master;
    int irr;
    int isr;
    int imr;
    /** Inputs driven high now. */
    private int levels;
    /** 1 bits are level-triggered (ICW1.LTIM, or the ELCR for the input). */
    int levelTriggered;
    int vectorBase;
    boolean autoEoi;
    private boolean rotateOnAutoEoi;
    /** The input with the lowest priority; priority descends from lowest + 1. */
    private int lowestPriority = 7;
    private boolean readIsr;
    private boolean pollNext;
    private boolean specialMask;
    /** 0 when initialised; else the ICW expected next (2, 3 or 4). */
    private int icwStep;
    private boolean single;
    private boolean icw4Needed;

    Pic8259(boolean master) {
        this.master = master;
    }

    void reset() {
        irr = 0;
        isr = 0;
        imr = 0;
        levels = 0;
        vectorBase = master ? 0x08 : 0x70;
        autoEoi = false;
        rotateOnAutoEoi = false;
        lowestPriority = 7;
        readIsr = false;
        pollNext = false;
        specialMask = false;
        icwStep = 0;
    }

    /** An input changed level. */
    void input(int line, boolean high) {
        int bit = 1 << line;
        boolean wasHigh = (levels & bit) != 0;
        levels = high ? levels | bit : levels & ~bit;
        if ((levelTriggered & bit) != 0) {
            irr = high ? irr | bit : irr & ~bit;
        } else if (high && !wasHigh) {
            irr |= bit;
        }
    }

    /** An input that always acts level-triggered: the master's cascade input follows the slave's INT output. */
    void levelInput(int line, boolean high) {
        int bit = 1 << line;
        levels = high ? levels | bit : levels & ~bit;
        irr = high ? irr | bit : irr & ~bit;
    }

    private int priorityOf(int line) {
        return (line - lowestPriority - 1) & 7;
    }

    /** The highest-priority pending request that the in-service state lets through, or -1. */
    int pending() {
        int requests = irr & ~imr;
        if (requests == 0) {
            return -1;
        }
        int best = -1;
        for (int p = 0; p < 8; p++) {
            int line = (lowestPriority + 1 + p) & 7;
            if ((requests & (1 << line)) != 0) {
                best = line;
                break;
            }
        }
        // An in-service request of higher or equal priority blocks it (unless special mask mode ignores masked ISR bits).
        int inService = specialMask ? isr & ~imr : isr;
        for (int p = 0; p < 8; p++) {
            int line = (lowestPriority + 1 + p) & 7;
            if ((inService & (1 << line)) != 0) {
                return priorityOf(line) <= priorityOf(best) ? -1 : best;
            }
        }
        return best;
    }

    /** The INTA cycle: the request in service now, or 7 for a spurious interrupt. */
    int acknowledge() {
        int line = pending();
        if (line < 0) {
            return 7;
        }
        int bit = 1 << line;
        if ((levelTriggered & bit) == 0) {
            irr &= ~bit;
        }
        if (autoEoi) {
            if (rotateOnAutoEoi) {
                lowestPriority = line;
            }
        } else {
            isr |= bit;
        }
        return line;
    }

    void writeCommand(int value) {
        if ((value & 0x10) != 0) {
            // ICW1: start initialisation.
            irr &= levels & levelTriggered;
            isr = 0;
            imr = 0;
            lowestPriority = 7;
            specialMask = false;
            readIsr = false;
            autoEoi = false;
            rotateOnAutoEoi = false;
            single = (value & 0x02) != 0;
            icw4Needed = (value & 0x01) != 0;
            if ((value & 0x08) != 0) {
                levelTriggered = 0xff;
            }
            icwStep = 2;
        } else if ((value & 0x08) != 0) {
            // OCW3.
            if ((value & 0x02) != 0) {
                readIsr = (value & 0x01) != 0;
            }
            pollNext = (value & 0x04) != 0;
            if ((value & 0x40) != 0) {
                specialMask = (value & 0x20) != 0;
            }
        } else {
            operationCommand2(value);
        }
    }

    private void operationCommand2(int value) {
        int level = value & 7;
        switch (value >>> 5) {
            case 1 -> endOfInterrupt(highestInService(), false);
            case 3 -> endOfInterrupt(level, false);
            case 5 -> endOfInterrupt(highestInService(), true);
            case 7 -> endOfInterrupt(level, true);
            case 4 -> rotateOnAutoEoi = true;
            case 0 -> rotateOnAutoEoi = false;
            case 6 -> lowestPriority = level;
            default -> {
                // 2 is a no-operation.
            }
        }
    }

    private int highestInService() {
        for (int p = 0; p < 8; p++) {
            int line = (lowestPriority + 1 + p) & 7;
            if ((isr & (1 << line)) != 0) {
                return line;
            }
        }
        return -1;
    }

    private void endOfInterrupt(int line, boolean rotate) {
        if (line < 0) {
            return;
        }
        isr &= ~(1 << line);
        if (rotate) {
            lowestPriority = line;
        }
    }

    void writeData(int value) {
        switch (icwStep) {
            case 2 -> {
                vectorBase = value & 0xf8;
                icwStep = single ? (icw4Needed ? 4 : 0) : 3;
            }
            case 3 -> icwStep = icw4Needed ? 4 : 0;
            case 4 -> {
                autoEoi = (value & 0x02) != 0;
                icwStep = 0;
            }
            default -> imr = value & 0xff;
        }
    }

    int readCommand() {
        if (pollNext) {
            pollNext = false;
            int line = pending();
            if (line < 0) {
                return 0;
            }
            acknowledge();
            return 0x80 | line;
        }
        return readIsr ? isr : irr;
    }

    int readData() {
        return imr;
    }
}
