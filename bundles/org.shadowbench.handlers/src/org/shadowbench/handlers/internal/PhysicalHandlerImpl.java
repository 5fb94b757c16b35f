package org.shadowbench.handlers.internal;

import org.shadowbench.handlers.HandlerType;
import org.shadowbench.handlers.PhysicalHandler;
import org.shadowbench.memory.PhysicalMemory;

/** A handler's state; the registry's tree holds its range keys. */
public final class PhysicalHandlerImpl implements PhysicalHandler {
    final PhysicalHandlerRegistryImpl owner;
    final HandlerTypeImpl type;
    Object userArgument;
    final String description;
    long first = PhysicalMemory.NIL_ADDRESS;
    long last = PhysicalMemory.NIL_ADDRESS;
    int pageCount;
    int aliasedPages;
    int tempOffPages;
    long readHits;
    long writeHits;
    boolean destroyed;
    /** Position in the type's handler list. */
    int typeSlot = -1;

    PhysicalHandlerImpl(PhysicalHandlerRegistryImpl owner, HandlerTypeImpl type, Object userArgument, String description) {
        this.owner = owner;
        this.type = type;
        this.userArgument = userArgument;
        this.description = description;
    }

    /** Pages an inclusive range touches, partial pages included. */
    static int pagesOf(long first, long last) {
        return (int) ((last - (first & ~PhysicalMemory.PAGE_OFFSET_MASK) + PhysicalMemory.PAGE_SIZE)
                >>> PhysicalMemory.PAGE_SHIFT);
    }

    void place(long newFirst, long newLast) {
        first = newFirst;
        last = newLast;
        pageCount = newFirst == PhysicalMemory.NIL_ADDRESS ? 0 : pagesOf(newFirst, newLast);
    }

    @Override
    public long first() {
        return first;
    }

    @Override
    public long last() {
        return last;
    }

    @Override
    public boolean isRegistered() {
        return first != PhysicalMemory.NIL_ADDRESS;
    }

    @Override
    public int pageCount() {
        return pageCount;
    }

    @Override
    public int aliasedPageCount() {
        return aliasedPages;
    }

    @Override
    public int tempOffPageCount() {
        return tempOffPages;
    }

    @Override
    public HandlerType type() {
        return type;
    }

    @Override
    public Object userArgument() {
        return userArgument;
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public long readHits() {
        return readHits;
    }

    @Override
    public long writeHits() {
        return writeHits;
    }

    @Override
    public String toString() {
        return isRegistered() ? String.format("handler '%s' [%#x, %#x]", description, first, last)
                : "unregistered handler '" + description + "'";
    }
}
