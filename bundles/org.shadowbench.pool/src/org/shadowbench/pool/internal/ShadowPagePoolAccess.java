package org.shadowbench.pool.internal;

import org.shadowbench.pool.PoolKind;

/** The pool's pure decision tables, for its test bundle (this package is exported to it only). */
public final class ShadowPagePoolAccess {
    private ShadowPagePoolAccess() {
    }

    /** pgmPoolCacheReusedByKind. */
    public static boolean reusedByKind(PoolKind cached, PoolKind requested) {
        return ShadowPagePoolImpl.reusedByKind(cached, requested);
    }
}
