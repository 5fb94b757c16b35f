/**
 * Physical access handlers (VirtualBox's PGMAllHandler.cpp): handler types that device bundles
 * publish as OSGi services, the registry of handlers over guest-physical ranges, the page handler
 * states it maintains in the page model, and the dispatch of guest accesses to handlers.
 *
 * <p>Entry points: {@link org.shadowbench.handlers.PhysicalHandlerRegistry#create} and the
 * {@link org.shadowbench.handlers.HandlerTypeCatalog} service.
 */
@org.osgi.annotation.versioning.Version("0.1.0")
package org.shadowbench.handlers;
