package org.shadowbench.handlers.internal;

import org.shadowbench.handlers.AccessOrigin;
import org.shadowbench.handlers.AccessOutcome;
import org.shadowbench.handlers.AccessType;
import org.shadowbench.handlers.HandlerKind;
import org.shadowbench.handlers.PhysicalAccess;
import org.shadowbench.handlers.PhysicalAccessFault;
import org.shadowbench.memory.PageHandlerState;
import org.shadowbench.memory.PageType;
import org.shadowbench.memory.PgmException;
import org.shadowbench.memory.PgmStatus;
import org.shadowbench.memory.PhysicalMemory;
import org.shadowbench.memory.RamRange;

/**
 * Routes guest-physical reads and writes (the shape of PGMPhysRead and PGMPhysWrite): an access is
 * cut at page boundaries; on a page whose state intercepts the access (ALL for reads, WRITE or ALL
 * for writes, and special alias pages, which only shadow paging may touch directly) each part is
 * given to the handler covering it, once per handler, and whatever no handler covers, or a
 * callback hands back, takes the page model's default access. Allocates nothing per access.
 */
final class AccessDispatcher {
    private final PhysicalHandlerRegistryImpl registry;
    private final PhysicalMemory memory;
    private final PhysicalAccess access = new PhysicalAccess();
    private final byte[] scratch = new byte[8];
    long callbacks;
    long defaultAccesses;

    AccessDispatcher(PhysicalHandlerRegistryImpl registry, PhysicalMemory memory) {
        this.registry = registry;
        this.memory = memory;
    }

    private static void checkSize(int size) {
        if (size != 1 && size != 2 && size != 4 && size != 8) {
            throw new PgmException(PgmStatus.VERR_INVALID_PARAMETER, "access size must be 1, 2, 4 or 8, not " + size);
        }
    }

    private static long mask(long value, int size) {
        return size == 8 ? value : value & ((1L << (8 * size)) - 1);
    }

    long read(long gcPhys, int size, AccessOrigin origin) {
        checkSize(size);
        int inPage = (int) Math.min(size, PhysicalMemory.PAGE_SIZE - (gcPhys & PhysicalMemory.PAGE_OFFSET_MASK));
        long value = readInPage(gcPhys, inPage, origin);
        if (inPage < size) {
            value |= readInPage(gcPhys + inPage, size - inPage, origin) << (8 * inPage);
        }
        return value;
    }

    void write(long gcPhys, int size, long value, AccessOrigin origin) {
        checkSize(size);
        int inPage = (int) Math.min(size, PhysicalMemory.PAGE_SIZE - (gcPhys & PhysicalMemory.PAGE_OFFSET_MASK));
        writeInPage(gcPhys, inPage, value, origin);
        if (inPage < size) {
            writeInPage(gcPhys + inPage, size - inPage, value >>> (8 * inPage), origin);
        }
    }

    private boolean intercepts(long address, AccessType type) {
        RamRange range = memory.rangeAt(address);
        if (range == null) {
            return false;
        }
        int index = range.pageIndex(address);
        if (range.pageType(index) == PageType.SPECIAL_ALIAS_MMIO) {
            return true;
        }
        return type == AccessType.READ ? range.hasActiveAllHandlers(index) : range.hasActiveHandlers(index);
    }

    private long readInPage(long address, int length, AccessOrigin origin) {
        if (!intercepts(address, AccessType.READ)) {
            return defaultRead(address, length);
        }
        if (registry.overlayTree.size() != 0) {
            observe(address, length, AccessType.READ, origin, 0);
        }
        long value = 0;
        int done = 0;
        while (done < length) {
            long at = address + done;
            PhysicalHandlerImpl handler = registry.lookup(at);
            int part = partLength(handler, at, length - done);
            // A WRITE handler sees no reads: its page reads through its handlers only because an ALL overlay shares it.
            long partValue = handler == null || handler.type.kind() == HandlerKind.WRITE ? defaultRead(at, part)
                    : call(handler, at, part, AccessType.READ, origin, 0);
            value |= partValue << (8 * done);
            done += part;
        }
        return value;
    }

    private void writeInPage(long address, int length, long value, AccessOrigin origin) {
        if (!intercepts(address, AccessType.WRITE)) {
            defaultWrite(address, length, value);
            return;
        }
        if (registry.overlayTree.size() != 0) {
            observe(address, length, AccessType.WRITE, origin, value);
        }
        int done = 0;
        while (done < length) {
            long at = address + done;
            PhysicalHandlerImpl handler = registry.lookup(at);
            int part = partLength(handler, at, length - done);
            long partValue = mask(value >>> (8 * done), part);
            if (handler == null) {
                defaultWrite(at, part, partValue);
            } else {
                call(handler, at, part, AccessType.WRITE, origin, partValue);
            }
            done += part;
        }
    }

    /**
     * Shows the parts of an in-page access that overlay handlers cover to their callbacks, before the
     * ordinary dispatch; their answers are ignored (overlays observe). Reads carry no value yet.
     */
    private void observe(long address, int length, AccessType type, AccessOrigin origin, long value) {
        RamRange range = memory.rangeAt(address);
        if (range.handlerState(range.pageIndex(address)) == PageHandlerState.DISABLED) {
            return; // a special alias page its MMIO handler aliased: the ordinary handler wins there
        }
        HandlerTree overlays = registry.overlayTree;
        long end = address + length;
        long at = address;
        while (at < end) {
            PhysicalHandlerImpl overlay = overlays.containing(at);
            if (overlay == null) {
                PhysicalHandlerImpl next = overlays.ceiling(at);
                if (next == null || next.first >= end) {
                    return;
                }
                at = next.first;
                continue;
            }
            int part = (int) (Math.min(end - 1, overlay.last) - at + 1);
            HandlerTypeImpl overlayType = overlay.type;
            if (overlayType.mayCall() && (type == AccessType.WRITE || overlayType.kind() != HandlerKind.WRITE)) {
                if (type == AccessType.READ) {
                    overlay.readHits++;
                } else {
                    overlay.writeHits++;
                }
                callbacks++;
                overlayType.callback().onAccess(access.set(at, part, type, origin,
                        type == AccessType.READ ? 0 : mask(value >>> (8 * (at - address)), part)), overlay.userArgument);
            }
            at += part;
        }
    }

    /** Bytes from {@code at} to the end of {@code handler} (found there), or, without one, to the next handler. */
    private int partLength(PhysicalHandlerImpl handler, long at, int remaining) {
        if (handler != null) {
            return (int) Math.min(remaining, handler.last - at + 1);
        }
        PhysicalHandlerImpl next = registry.bestFit(at, true);
        return next != null && next.first - at < remaining ? (int) (next.first - at) : remaining;
    }

    private long call(PhysicalHandlerImpl handler, long at, int size, AccessType type, AccessOrigin origin, long value) {
        HandlerTypeImpl handlerType = handler.type;
        if (!handlerType.mayCall()) {
            return type == AccessType.READ ? defaultRead(at, size) : defaultWrite(at, size, value);
        }
        if (type == AccessType.READ) {
            handler.readHits++;
        } else {
            handler.writeHits++;
        }
        callbacks++;
        AccessOutcome outcome = handlerType.callback().onAccess(access.set(at, size, type, origin, value),
                handler.userArgument);
        switch (outcome) {
            case HANDLED:
                return type == AccessType.READ ? mask(access.value(), size) : 0;
            case FAULT:
                throw new PhysicalAccessFault(at, type, handler.description);
            default:
                return type == AccessType.READ ? defaultRead(at, size) : defaultWrite(at, size, value);
        }
    }

    private long defaultRead(long at, int size) {
        defaultAccesses++;
        if (size == 1 || size == 2 || size == 4 || size == 8) {
            return memory.read(at, size);
        }
        memory.read(at, scratch, 0, size);
        long value = 0;
        for (int i = size - 1; i >= 0; i--) {
            value = (value << 8) | (scratch[i] & 0xff);
        }
        return value;
    }

    private long defaultWrite(long at, int size, long value) {
        defaultAccesses++;
        if (size == 1 || size == 2 || size == 4 || size == 8) {
            memory.write(at, size, value);
        } else {
            for (int i = 0; i < size; i++) {
                scratch[i] = (byte) (value >>> (8 * i));
            }
            memory.write(at, scratch, 0, size);
        }
        return 0;
    }
}
