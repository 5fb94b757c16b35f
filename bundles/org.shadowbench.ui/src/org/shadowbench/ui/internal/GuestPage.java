package org.shadowbench.ui.internal;

/**
 * A guest-physical page picked in the Guest Memory Map, with its descriptor as the snapshot had it: the
 * selection other views follow (the Access Handlers view selects the handler covering it, the Page Walk
 * view walks a linear address mapping it) and the Properties view shows.
 *
 * @param guestPhysical the page's guest-physical address (page aligned)
 * @param range         the description of the RAM, ROM or MMIO range holding it
 * @param type          the page's type
 * @param state         the page's state
 * @param handlerState  the strongest access handler state on the page
 * @param hostFrame     the host frame backing it
 * @param poolTracking  which shadow page tables map it, as the pool tracks them
 */
public record GuestPage(long guestPhysical, String range, String type, String state, String handlerState,
        long hostFrame, String poolTracking) {
}
