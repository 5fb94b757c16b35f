package org.shadowbench.cpu.tests;

import org.junit.jupiter.api.BeforeEach;
import org.shadowbench.cpu.internal.CpuCore;

/**
 * {@link ShadowMmuTest}'s cases with blocks compiled from an instruction's second interpretation on, so
 * that the hot loops of its self-modifying, remapping and translation-cache cases run in compiled blocks.
 */
class ShadowMmuWithBlocksTest extends ShadowMmuTest {
    @BeforeEach
    void compileBlocksEarly() {
        ((CpuCore) f.cpu).setBlockThreshold(2);
    }
}
