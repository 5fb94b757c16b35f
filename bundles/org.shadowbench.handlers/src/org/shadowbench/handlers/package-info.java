/**
 * Physical access handlers (VirtualBox's PGMAllHandler.cpp): handler types that device bundles
 * publish as OSGi services, the registry of handlers over guest-physical ranges, the page handler
 * states it maintains in the page model, and the dispatch of guest accesses to handlers.
 *
 * <p>Entry points: a {@link org.shadowbench.handlers.PhysicalHandlerRegistryFactory} (an OSGi
 * service, or found through {@link java.util.ServiceLoader}) and the
 * {@link org.shadowbench.handlers.HandlerTypeCatalog} service.
 * {@link org.shadowbench.handlers.ReadOnlyHandlerRegistry} is the surface for code that only looks.
 *
 * <p>1.0.0: the static {@code PhysicalHandlerRegistry.create} gave way to the factory (a major
 * change); the read-only surface was split off.
 */
@org.osgi.annotation.versioning.Version("1.0.0")
package org.shadowbench.handlers;
