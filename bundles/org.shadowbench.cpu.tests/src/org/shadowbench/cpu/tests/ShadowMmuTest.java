package org.shadowbench.cpu.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.shadowbench.cpu.Cpu;
import org.shadowbench.cpu.CpuTracer;
import org.shadowbench.cpu.Register;
import org.shadowbench.cpu.SegmentRegister;
import org.shadowbench.cpu.StopReason;
import org.shadowbench.handlers.AccessOutcome;
import org.shadowbench.handlers.AccessType;
import org.shadowbench.handlers.HandlerKind;
import org.shadowbench.handlers.HandlerType;
import org.shadowbench.memory.FrameUse;
import org.shadowbench.pool.PoolKind;
import org.shadowbench.pool.PoolStatistics;
import org.shadowbench.pool.ShadowPagePool;

/**
 * The shadow MMU: guest paging in its 32-bit and PAE forms translated through shadow tables built
 * by the pool, invalidation by INVLPG, CR3 and CR4, the trap handler's decisions, and accesses to
 * handled pages reaching their handlers.
 */
class ShadowMmuTest {
    /** A linear address outside the identity map, and the physical pages it is mapped to. */
    private static final int WINDOW = 0x0200_0000;
    private static final int PAGE_A = 0x0050_0000;
    private static final int PAGE_B = 0x0050_1000;

    final CpuFixture f = new CpuFixture();

    @AfterEach
    void consistent() {
        f.assertConsistent();
    }

    /** Identity-maps 16 MiB and maps {@link #WINDOW} to {@code physical} with {@code flags}; returns the PTE address. */
    private long pagingWithWindow(int physical, int flags) {
        int directory = f.identityDirectory32();
        int table = f.allocateTable();
        f.memory.write(directory + 4L * (WINDOW >>> 22), 4, table | 0x7);
        long pte = table + 4L * ((WINDOW >>> 12) & 1023);
        f.memory.write(pte, 4, physical | flags);
        f.enablePaging32(directory);
        return pte;
    }

    /** {@link #pagingWithWindow} onto {@link #PAGE_A}, with 0xaaaa at the start of A and 0xbbbb at the start of B. */
    private long windowOnMarkedPages(int flags) {
        f.memory.write(PAGE_A, 4, 0xaaaa);
        f.memory.write(PAGE_B, 4, 0xbbbb);
        return pagingWithWindow(PAGE_A, flags);
    }

    private Set<PoolKind> poolKinds() {
        Set<PoolKind> kinds = EnumSet.noneOf(PoolKind.class);
        for (int page = ShadowPagePool.FIRST_INDEX; page < f.pool.currentPages(); page++) {
            PoolKind kind = f.pool.kind(page);
            if (kind != PoolKind.FREE && kind != PoolKind.INVALID) {
                kinds.add(kind);
            }
        }
        return kinds;
    }

    @Test
    void paging32WithSmallPages() {
        long pte = pagingWithWindow(PAGE_A, 0x3);
        // mov dword [WINDOW + 8], 0x12345678 ; mov eax, [WINDOW + 8]
        f.exec("c7 05 08 00 00 02 78 56 34 12 a1 08 00 00 02");
        assertEquals(0x12345678L, f.read(PAGE_A + 8, 4));
        assertEquals(0x12345678, f.reg(Register.EAX));
        assertEquals(0x60, f.read(pte, 4) & 0x60, "accessed and dirty set in the guest PTE");
        assertTrue(poolKinds().contains(PoolKind.PT32_FOR_PT32), poolKinds().toString());
        assertTrue(f.cpu.statistics().tlbHits() > 0);
    }

    @Test
    void readSetsAccessedButNotDirtyAndTheFirstWriteSetsDirty() {
        long pte = pagingWithWindow(PAGE_A, 0x3);
        f.exec("a1 00 00 00 02");
        assertEquals(0x20, f.read(pte, 4) & 0x60);
        f.exec("a3 00 00 00 02");
        assertEquals(0x60, f.read(pte, 4) & 0x60, "the write reached the trap handler despite the cached read mapping");
    }

    @Test
    void aStackPageCachedByAPopIsNotWrittenThroughByThePushAfterIt() {
        // The stack's page cache holds what the TLB granted: a pop from a clean page caches it for reading,
        // and the push that follows must still trap so that the guest's dirty bit is set.
        long pte = pagingWithWindow(PAGE_A, 0x3);
        f.memory.write(PAGE_A + 0x100, 4, 0x1234);
        f.exec("a1 00 01 00 02"); // mov eax, [WINDOW + 0x100]: the page synced, readable in the TLB
        f.set(Register.ESP, WINDOW + 0x100);
        f.exec("58 40 50"); // pop eax ; inc eax ; push eax
        assertEquals(0x60, f.read(pte, 4) & 0x60, "accessed and dirty");
        assertEquals(0x1235L, f.read(PAGE_A + 0x100, 4));
        assertEquals(WINDOW + 0x100, f.reg(Register.ESP));
    }

    @Test
    void notPresentAndProtectionPageFaults() {
        long pte = pagingWithWindow(PAGE_A, 0x0);
        f.run("a1 10 00 00 02 f4");
        f.assertInHandler(Cpu.PF);
        assertEquals(0, f.stack(0), "read, supervisor, not present");
        assertEquals(WINDOW + 0x10, f.cpu.controlRegister(2));
        f.run("a3 10 00 00 02 f4");
        assertEquals(2, f.stack(0), "write, not present");
        // a present supervisor page read from ring 3
        f.memory.write(pte, 4, PAGE_A | 0x3);
        f.enterUserMode();
        f.run("a1 20 00 00 02 f4");
        f.assertInHandler(Cpu.PF);
        assertEquals(5, f.stack(0), "present, read, user");
        assertEquals(WINDOW + 0x20, f.cpu.controlRegister(2));
    }

    @Test
    void ringThreesInterruptsReadAndWriteSupervisorPagesThatRingThreeCannotRead() {
        int directory = f.identityDirectory32();
        // The GDT, IDT, TSS, handlers and the kernel stack's page on supervisor-only pages.
        for (int page : new int[] { CpuFixture.GDT, CpuFixture.IDT, CpuFixture.TSS, CpuFixture.HANDLERS,
                CpuFixture.KERNEL_STACK - 0x1000 }) {
            f.memory.write(f.pte32(directory, page), 4, page | 0x3);
        }
        f.enablePaging32(directory);
        // INT 0x80: inc dword [DATA] ; iret. The second INT finds the system pages in the TLB, filled by the first.
        f.handler(0x80, "ff 05 00 00 04 00 cf");
        f.enterUserMode();
        f.run("cd 80 cd 80 a1 00 10 00 00 f4");
        assertEquals(2, f.read(CpuFixture.DATA, 4), "both system calls ran and returned");
        f.assertInHandler(Cpu.PF);
        assertEquals(5, f.stack(0), "ring 3's own read of the GDT: present, read, user");
        assertEquals(CpuFixture.GDT, f.cpu.controlRegister(2));
    }

    @Test
    void userWriteToReadOnlyPageFaults() {
        pagingWithWindow(PAGE_A, 0x5);
        f.enterUserMode();
        f.run("a1 00 00 00 02 a3 00 00 00 02 f4");
        f.assertInHandler(Cpu.PF);
        assertEquals(7, f.stack(0), "present, write, user");
        assertEquals(CpuFixture.CODE + 5, f.stack(1), "the read went through; the write faulted");
    }

    @Test
    void writeProtectDecidesSupervisorWritesToReadOnlyPages() {
        pagingWithWindow(PAGE_A, 0x1);
        // CR0.WP clear: the kernel writes through a read-only mapping
        f.exec("c7 05 00 00 00 02 11 00 00 00");
        assertEquals(0x11, f.read(PAGE_A, 4));
        f.cpu.setControlRegister(0, f.cpu.controlRegister(0) | 0x10000);
        f.run("c7 05 00 00 00 02 22 00 00 00 f4");
        f.assertInHandler(Cpu.PF);
        assertEquals(3, f.stack(0), "present, write, supervisor");
        assertEquals(0x11, f.read(PAGE_A, 4));
    }

    @Test
    void supervisorWriteThroughReadOnlyPageLandsAtItsOffset() {
        long pte = pagingWithWindow(PAGE_A, 0x1);
        // CR0.WP clear: the write goes around the read-only shadow entry, at the address's own offset.
        f.exec("c7 05 24 01 00 02 33 00 00 00");
        assertEquals(0x33, f.read(PAGE_A + 0x124, 4));
        assertEquals(0, f.read(PAGE_A, 4), "nothing written at the start of the page");
        assertEquals(0x41, f.read(pte, 4) & 0x41, "the guest's dirty and present bits set");
    }

    @Test
    void bigPagesWithPse() {
        int directory = f.identityDirectory32();
        // 4 MiB page: WINDOW -> 0x00400000
        f.memory.write(directory + 4L * (WINDOW >>> 22), 4, 0x0040_0000 | 0x83);
        f.cpu.setControlRegister(4, 0x10);
        f.enablePaging32(directory);
        f.exec("c7 05 04 30 10 02 99 00 00 00");
        assertEquals(0x99, f.read(0x0040_0000 + 0x103004, 4));
        assertTrue(poolKinds().contains(PoolKind.PT32_FOR_BIG32), poolKinds().toString());
        assertEquals(0xe3, f.read(directory + 4L * (WINDOW >>> 22), 4) & 0xff, "A and D set in the big PDE");
    }

    @Test
    void withoutPseTheSizeBitIsIgnored() {
        int directory = f.identityDirectory32();
        int table = f.allocateTable();
        f.memory.write(table, 4, PAGE_A | 0x3);
        // PS set but CR4.PSE clear: the entry still points at a page table
        f.memory.write(directory + 4L * (WINDOW >>> 22), 4, table | 0x83);
        f.enablePaging32(directory);
        f.exec("c7 05 00 00 00 02 5a 00 00 00");
        assertEquals(0x5a, f.read(PAGE_A, 4));
    }

    private int paePaging(boolean nx) {
        return f.enablePaePaging(nx);
    }

    @Test
    void paeWithBigAndSmallPages() {
        int directory = paePaging(false);
        int table = f.allocateTable();
        f.memory.write(directory + 8L * (WINDOW >>> 21), 8, table | 0x7);
        f.memory.write(table + 8, 8, PAGE_B | 0x3);
        f.exec("c7 05 00 10 00 02 31 00 00 00 c7 05 00 00 00 00 00 00 00 00");
        assertEquals(0x31, f.read(PAGE_B, 4));
        Set<PoolKind> kinds = poolKinds();
        assertTrue(kinds.contains(PoolKind.PAE_PT_FOR_PAE_BIG) && kinds.contains(PoolKind.PAE_PT_FOR_PAE_PT),
                kinds.toString());
    }

    @Test
    void noExecutePagesRefuseInstructionFetches() {
        int directory = paePaging(true);
        // 2 MiB at 4 MiB, no-execute; data accesses work, a jump there faults with I/D set
        f.memory.write(directory + 8L * 2, 8, (2 << 21) | 0x87 | (1L << 63));
        f.load(0x0040_0000, "f4");
        f.exec("a1 00 00 40 00");
        f.run("b8 00 00 40 00 ff e0");
        f.assertInHandler(Cpu.PF);
        assertEquals(0x11, f.stack(0), "present, instruction fetch");
        assertEquals(0x0040_0000, f.cpu.controlRegister(2));
    }

    @Test
    void noExecuteBitWithoutNxeIsReserved() {
        int directory = paePaging(false);
        f.memory.write(directory + 8L * 2, 8, (2 << 21) | 0x87 | (1L << 63));
        f.run("a1 00 00 40 00 f4");
        f.assertInHandler(Cpu.PF);
        assertEquals(0x9, f.stack(0), "present, reserved bit");
    }

    @Test
    void invlpgDropsAStaleTranslation() {
        long pte = windowOnMarkedPages(0x3);
        f.exec("a1 00 00 00 02");
        assertEquals(0xaaaa, f.reg(Register.EAX));
        // the host changes the PTE behind the guest's back (no monitored write): the translation is stale
        f.memory.write(pte, 4, PAGE_B | 0x23);
        f.exec("a1 00 00 00 02");
        assertEquals(0xaaaa, f.reg(Register.EAX), "cached until invalidated, as on hardware");
        // invlpg [WINDOW] ; mov eax, [WINDOW]
        f.exec("0f 01 3d 00 00 00 02 a1 00 00 00 02");
        assertEquals(0xbbbb, f.reg(Register.EAX));
    }

    @Test
    void cr3ReloadSwitchesAddressSpaces() {
        long pte = windowOnMarkedPages(0x3);
        int second = f.identityDirectory32();
        int table = f.allocateTable();
        f.memory.write(second + 4L * (WINDOW >>> 22), 4, table | 0x7);
        f.memory.write(table + 4L * ((WINDOW >>> 12) & 1023), 4, PAGE_B | 0x3);
        f.set(Register.EBX, second);
        f.set(Register.ECX, f.cpu.controlRegister(3));
        // mov eax, [WINDOW] ; mov cr3, ebx ; mov edx, [WINDOW] ; mov cr3, ecx ; mov esi, [WINDOW]
        f.exec("a1 00 00 00 02 0f 22 db 8b 15 00 00 00 02 0f 22 d9 8b 35 00 00 00 02");
        assertEquals(0xaaaa, f.reg(Register.EAX));
        assertEquals(0xbbbb, f.reg(Register.EDX));
        assertEquals(0xaaaa, f.reg(Register.ESI));
        assertTrue(f.read(pte, 4) != 0);
    }

    @Test
    void globalPagesSurviveACr3Reload() {
        long pte = windowOnMarkedPages(0x103);
        f.cpu.setControlRegister(4, 0x80);
        f.exec("a1 00 00 00 02");
        f.memory.write(pte, 4, PAGE_B | 0x123);
        f.set(Register.ECX, f.cpu.controlRegister(3));
        // mov cr3, ecx ; mov eax, [WINDOW]: the global translation is still cached
        f.exec("0f 22 d9 a1 00 00 00 02");
        assertEquals(0xaaaa, f.reg(Register.EAX));
        // toggling CR4.PGE flushes global entries too
        f.exec("0f 20 e0 83 e0 7f 0f 22 e0 a1 00 00 00 02");
        assertEquals(0xbbbb, f.reg(Register.EAX));
    }

    @Test
    void guestWriteToItsPageTableReachesThePoolAndTakesEffect() {
        long pte = windowOnMarkedPages(0x3);
        PoolStatistics before = f.pool.statistics();
        f.set(Register.EBX, (int) pte);
        // mov eax, [WINDOW] ; mov dword [ebx], PAGE_B | 3 ; mov edx, [WINDOW]  (no INVLPG)
        f.exec("a1 00 00 00 02 c7 03 03 10 50 00 8b 15 00 00 00 02");
        assertEquals(0xaaaa, f.reg(Register.EAX));
        assertEquals(0xbbbb, f.reg(Register.EDX), "the pool cleared the shadow entry under the write");
        assertEquals(before.monitorHandled() + 1, f.pool.statistics().monitorHandled());
    }

    @Test
    void aReadModifyWriteWhosePageBecameAPageTableReachesThePool() {
        long pte = windowOnMarkedPages(0x3);
        PoolStatistics before = f.pool.statistics();
        // The OR lives in a routine of its own page, which the code written for each step leaves decoded,
        // so that its translation cache is kept from one call to the next: or [ebx], ecx ; ret.
        f.load(0x20000, "09 0b c3");
        String callIt = "e8 fb ff 00 00";
        f.set(Register.EBX, (int) pte);
        f.set(Register.ECX, 0);
        // Twice while the page table is still plain memory: the cache takes its page with write access.
        // Then mov eax, [WINDOW] makes the pool shadow the table and watch it.
        f.exec(callIt);
        f.exec(callIt);
        f.exec("a1 00 00 00 02");
        assertEquals(0xaaaa, f.reg(Register.EAX));
        // The same OR, now turning PAGE_A into PAGE_B: it must go through the pool, not through its cache.
        f.set(Register.ECX, PAGE_B - PAGE_A);
        f.exec(callIt + " 8b 15 00 00 00 02");
        assertEquals(PAGE_B | 0x3, f.read(pte, 4) & ~0x60, "the OR landed (accessed and dirty bits aside)");
        assertEquals(0xbbbb, f.reg(Register.EDX), "the pool cleared the shadow entry under the write");
        assertEquals(before.monitorHandled() + 1, f.pool.statistics().monitorHandled());
    }

    @Test
    void anEntryDecodedAnewKeepsNoTranslationCacheFromTheInstructionBefore() {
        // DS based at DATA, and a UD2 first, so that the #UD handler's page already holds code (a frame
        // becoming code starts a new translation epoch). Then mov [ebp], al at CODE, EBP in the data page:
        // its translation cache holds that page through SS, in the epoch that lasts through the test.
        f.cpu.loadSegment(SegmentRegister.DS, CpuFixture.SMALL_DATA);
        assertEquals(StopReason.HALTED, f.run("0f 0b"));
        f.assertInHandler(6);
        f.set(Register.EBP, CpuFixture.DATA + 0x100);
        f.exec("88 45 00");
        // The same entry decoded anew from LOCK CMP dword [edi + 0x5c], 0x34, which the decoder refuses
        // half-way (#UD): read through DS, the old cache would name the page DATA above the data page.
        assertEquals(StopReason.HALTED, f.run("f0 83 7f 5c 34 f4"));
        f.assertInHandler(6);
        assertEquals(List.of(), f.cpu.check());
    }

    @Test
    void aPageTableWriteRetiresTranslationCachesEvenAfterTheTlbEntryWasEvicted() {
        long pte = windowOnMarkedPages(0x3);
        f.set(Register.EBX, (int) pte);
        // mov eax, [WINDOW] (its translation cache now holds page A's frame); mov ecx, [0x2000], whose page
        // shares WINDOW's TLB slot and evicts it; mov dword [ebx], PAGE_B | 3: the pool clears the shadow
        // entry mapping A, which the TLB no longer holds.
        f.exec("a1 00 00 00 02 8b 0d 00 20 00 00");
        assertNull(f.cpu.walk(WINDOW).tlb(), "the load at 0x2000 evicts WINDOW's TLB entry");
        f.exec("a1 00 00 00 02 8b 0d 00 20 00 00 c7 03 03 10 50 00");
        assertEquals(0xaaaa, f.reg(Register.EAX));
        assertEquals(List.of(), f.cpu.check(), "no translation cache still holds A's frame");
        // The same instruction again: through its cache it would still read A.
        f.exec("a1 00 00 00 02");
        assertEquals(0xbbbb, f.reg(Register.EAX));
    }

    @Test
    void pagesThirtyTwoMegabytesApartKeepTheirTlbEntries() {
        windowOnMarkedPages(0x3);
        // mov ecx, 50 ; mov ebx, 0 ; again: mov eax, [ebx] ; xor ebx, WINDOW ; dec ecx ; jnz again: one load
        // alternating between page 0 and WINDOW, whose page numbers agree in their low twelve bits.
        f.exec("b9 32 00 00 00 bb 00 00 00 00 8b 03 81 f3 00 00 00 02 49 75 f5");
        long fillsBefore = f.cpu.statistics().tlbFills();
        f.exec("b9 32 00 00 00 bb 00 00 00 00 8b 03 81 f3 00 00 00 02 49 75 f5");
        assertEquals(0, f.cpu.statistics().tlbFills() - fillsBefore, "both stay in the TLB: no refills");
        assertEquals(0xaaaa, f.reg(Register.EAX), "the fiftieth load was from WINDOW");
    }

    @Test
    void theTlbCheckerSeesATranslationItsShadowEntryNoLongerAllows() {
        windowOnMarkedPages(0x3);
        // mov dword [WINDOW], 1: the TLB entry gets write permission
        f.exec("c7 05 00 00 00 02 01 00 00 00");
        assertEquals(List.of(), f.cpu.check());
        int root = ShadowPagePool.ROOT_32BIT_PD;
        long pde = f.pool.entry(root, WINDOW >>> 22);
        // Behind the CPU's back: the shadow directory entry made read-only, then removed, without a TLB flush.
        f.pool.setDirectoryEntry(root, WINDOW >>> 22, pde & ~0x2L);
        assertTrue(f.cpu.check().toString().contains("more than the shadow entries'"), f.cpu.check().toString());
        f.pool.setDirectoryEntry(root, WINDOW >>> 22, 0);
        assertTrue(f.cpu.check().toString().contains("which no shadow entry maps"), f.cpu.check().toString());
        f.pool.setDirectoryEntry(root, WINDOW >>> 22, pde);
        assertEquals(List.of(), f.cpu.check());
    }

    @Test
    void theCheckerSeesAShadowRootEntryACr3LoadWouldNotRelease() {
        windowOnMarkedPages(0x3);
        f.exec("a1 00 00 00 02");
        assertEquals(List.of(), f.cpu.check());
        int root = ShadowPagePool.ROOT_32BIT_PD;
        long pde = f.pool.entry(root, WINDOW >>> 22);
        // Behind the CPU's back: a second directory entry pointing at the same table. A CR3 load releases
        // only the entries the CPU made, so this one would survive into the next address space.
        int spare = (WINDOW >>> 22) + 1;
        f.pool.setDirectoryEntry(root, spare, pde);
        assertTrue(f.cpu.check().toString().contains("entry " + spare + " is present but not listed for release"),
                f.cpu.check().toString());
        f.pool.setDirectoryEntry(root, spare, 0);
        assertEquals(List.of(), f.cpu.check());
    }

    @Test
    void aCr3ReloadStartsTheModificationCountsAfresh() {
        long pte = windowOnMarkedPages(0x3);
        f.set(Register.EBX, (int) pte);
        f.set(Register.ECX, f.cpu.controlRegister(3));
        // mov eax, [WINDOW] ; mov dword [ebx], PAGE_B | 3
        f.exec("a1 00 00 00 02 c7 03 03 10 50 00");
        List<Integer> modified = f.pool.modifiedList();
        assertEquals(1, modified.size(), "the written table is on the modified list");
        int table = modified.get(0);
        assertEquals(1, f.pool.page(table).modifications());
        // mov cr3, ecx ; mov eax, [WINDOW] (the same table is shadowed again from the cache)
        f.exec("0f 22 d9 a1 00 00 00 02");
        assertEquals(List.of(), f.pool.modifiedList(), "the CR3 sync emptied the modified list");
        assertEquals(0, f.pool.page(table).modifications());
        assertEquals(0xbbbb, f.reg(Register.EAX));
    }

    @Test
    void pushOntoAPageTableTellsThePoolTheTableIsReused() {
        long pte = pagingWithWindow(PAGE_A, 0x3);
        f.exec("a1 00 00 00 02");
        long reused = f.pool.statistics().monitorReused();
        // the stack now lives in the page table's page: mov esp, pte+8 ; push eax
        f.set(Register.ESP, (int) pte + 8);
        f.exec("50");
        assertEquals(reused + 1, f.pool.statistics().monitorReused(), "the facts said PUSH");
        f.set(Register.ESP, CpuFixture.STACK);
    }

    @Test
    void btrOnAPageTableLooksLikeAFork() {
        long pte = pagingWithWindow(PAGE_A, 0x3);
        f.exec("a1 00 00 00 02");
        long forks = f.pool.statistics().monitorFork();
        f.set(Register.EBX, (int) pte);
        // lock btr dword [ebx], 1 (clearing RW as Linux does for copy-on-write)
        f.exec("f0 0f ba 33 01");
        assertEquals(forks + 1, f.pool.statistics().monitorFork());
        assertEquals(PAGE_A | 0x21, f.read(pte, 4) & 0xfff0_00ff, "RW cleared, A kept");
    }

    @Test
    void smallRepStosdOverAPageTableIsCompletedByThePool() {
        long pte = pagingWithWindow(PAGE_A, 0x3);
        f.exec("a1 00 00 00 02");
        long stosd = f.pool.statistics().monitorRepStosd();
        f.set(Register.EDI, (int) pte);
        f.set(Register.ECX, 8);
        f.set(Register.EAX, 0);
        // cld ; rep stosd
        f.exec("fc f3 ab");
        assertEquals(stosd + 1, f.pool.statistics().monitorRepStosd());
        assertEquals(0, f.reg(Register.ECX));
        assertEquals((int) pte + 32, f.reg(Register.EDI));
        assertEquals(0, f.read(pte, 4));
        f.run("a1 00 00 00 02 f4");
        f.assertInHandler(Cpu.PF);
    }

    /** A handler that records accesses and answers reads with a pattern. */
    private final class Recorder {
        final List<String> log = new ArrayList<>();
        final HandlerType type;

        Recorder(HandlerKind kind) {
            type = f.registry.registerType(kind, "recorder", (access, user) -> {
                log.add(String.format("%s %x/%d=%x", access.type() == AccessType.READ ? "R" : "W", access.address(),
                        access.size(), access.type() == AccessType.READ ? 0 : access.value()));
                if (access.type() == AccessType.READ) {
                    access.complete(0x1122_3344_5566_7788L);
                    return AccessOutcome.HANDLED;
                }
                return kind == HandlerKind.WRITE ? AccessOutcome.DEFAULT : AccessOutcome.HANDLED;
            });
        }
    }

    /** An MMIO range served by a recording handler. */
    private Recorder mmioDevice(long base, long size) {
        f.memory.registerMmio(base, base + size - 1, "test MMIO");
        Recorder recorder = new Recorder(HandlerKind.MMIO);
        f.registry.register(base, base + size - 1, recorder.type, null, "device");
        return recorder;
    }

    @Test
    void mmioAccessesCrossingAPageReachTheHandlerOncePerPart() {
        Recorder recorder = mmioDevice(0xe000_0000L, 0x2000);
        // mov dword [0xe0000ffe], 0xaabbccdd
        f.exec("c7 05 fe 0f 00 e0 dd cc bb aa");
        assertEquals(List.of("W e0000ffe/2=ccdd", "W e0001000/2=aabb"), recorder.log);
        recorder.log.clear();
        // mov eax, [0xe0000ff8]: within one page, one read of 4
        f.exec("a1 f8 0f 00 e0");
        assertEquals(List.of("R e0000ff8/4=0"), recorder.log);
        assertEquals(0x55667788, f.reg(Register.EAX));
    }

    /** Counts the trap handler's walks of the window's page, in element 0 of the array returned. */
    private int[] countWindowWalks() {
        int[] traps = new int[1];
        f.cpu.setTracer(new CpuTracer() {
            @Override
            public void trapHandled(int linear) {
                if (linear >>> 12 == WINDOW >>> 12) {
                    traps[0]++;
                }
            }
        });
        return traps;
    }

    @Test
    void mmioPagesReachTheHandlerOnEveryAccessButAreWalkedOnce() {
        Recorder recorder = mmioDevice(0xe000_0000L, 0x1000);
        long pte = pagingWithWindow(0xe000_0000, 0x7);
        int[] traps = countWindowWalks();
        // three reads of the device through the window
        f.exec("a1 00 00 00 02 a1 04 00 00 02 a1 08 00 00 02");
        assertEquals(List.of("R e0000000/4=0", "R e0000004/4=0", "R e0000008/4=0"), recorder.log, "every read reaches the device");
        assertEquals(1, traps[0], "one walk for the page");
        assertEquals(0, f.read(pte, 4) & 0x40, "reads leave the guest's entry clean");
        // The first write is walked again: it sets the guest's dirty bit, as the hardware would.
        f.exec("c7 05 0c 00 00 02 01 00 00 00 c7 05 10 00 00 02 02 00 00 00");
        assertEquals(2, traps[0]);
        assertEquals(0x40, f.read(pte, 4) & 0x40, "dirty after the first write");
        assertEquals(List.of("W e000000c/4=1", "W e0000010/4=2"), recorder.log.subList(3, 5));
        // Remapped to RAM and invalidated: the window reads RAM.
        f.memory.write(PAGE_A, 4, 0x5a5a);
        f.memory.write(pte, 4, PAGE_A | 0x7);
        f.exec("0f 01 3d 00 00 00 02 a1 00 00 00 02");
        assertEquals(0x5a5a, f.reg(Register.EAX));
        assertEquals(5, recorder.log.size(), "the device saw nothing more");
        assertTrue(f.cpu.check().isEmpty(), f.cpu.check().toString());
    }

    @Test
    void aSpeciallyAliasedMmioPageIsWalkedOnceAndStillReachesItsHandler() {
        // The local APIC's arrangement: an MMIO page aliased to a device frame, intercepted on every access.
        Recorder recorder = mmioDevice(0xe000_0000L, 0x1000);
        int frame = f.memory.frames().allocate(FrameUse.DEVICE);
        f.registry.pageAliasHc(0xe000_0000L, 0xe000_0000L, frame);
        pagingWithWindow(0xe000_0000, 0x7);
        int[] traps = countWindowWalks();
        f.exec("a1 00 00 00 02 a1 04 00 00 02 a1 08 00 00 02");
        assertEquals(List.of("R e0000000/4=0", "R e0000004/4=0", "R e0000008/4=0"), recorder.log, "every read reaches the device");
        assertEquals(1, traps[0], "one walk for the page");
        assertTrue(f.cpu.check().isEmpty(), f.cpu.check().toString());
        // The alias is reset (the page's backing changes): the translation goes, the next access is walked.
        f.registry.reset(0xe000_0000L);
        assertTrue(f.cpu.check().isEmpty(), f.cpu.check().toString());
        f.exec("a1 0c 00 00 02");
        assertEquals(2, traps[0], "walked again after the reset");
        assertEquals("R e000000c/4=0", recorder.log.get(3));
    }

    @Test
    void anInstructionsTranslationCacheFilledInRingZeroGrantsRingThreeNothing() {
        // Ring changes keep each privilege's translation epoch (system calls keep their links and caches),
        // so the cache the supervisor's read filled must not serve the same instruction in ring 3. One run:
        // ring 0 calls S twice, IRETs to ring 3, which calls S again; S reads a supervisor-only page.
        windowOnMarkedPages(0x3);
        f.run("66 b8 23 00 8e d8 8e c0 8e e0 8e e8" // DS, ES, FS, GS := USER_DATA (the IRET keeps them)
                + " c7 05 fc ff 06 00 00 00 00 00" // mov dword [USER_STACK - 4], 0 (the user stack's page allocated)
                + " e8 25 00 00 00 e8 20 00 00 00" // call S ; call S (the second runs S from the code cache)
                + " 6a 23 68 00 00 07 00 9c 6a 1b 68 30 00 01 00 cf" // iret to ring 3 at CODE + 0x30
                + " e8 0b 00 00 00 f4" // CODE + 0x30: call S ; hlt
                + " 90 90 90 90 90 90 90 90 90 90"
                + " 8b 05 00 00 00 02 c3"); // S, at CODE + 0x40: mov eax, [WINDOW] ; ret
        f.assertInHandler(Cpu.PF);
        assertEquals(5, f.stack(0), "present, read, user");
        assertEquals(WINDOW, f.cpu.controlRegister(2));
    }

    @Test
    void mmioTranslationsKeepTheGuestsRights() {
        mmioDevice(0xe000_0000L, 0x1000);
        pagingWithWindow(0xe000_0000, 0x3);
        f.exec("a1 00 00 00 02");
        f.enterUserMode();
        f.run("a1 00 00 00 02 f4");
        f.assertInHandler(Cpu.PF);
        assertEquals(5, f.stack(0), "present, read, user: the supervisor's walk grants a user nothing");
    }

    /**
     * A device on the window's page whose reads answer 7 and, once armed, do what {@code armed} says; the
     * window is read once, so that later reads go through the kept MMIO translation without a walk.
     */
    private boolean[] armedDeviceOnTheWindow(Runnable armed) {
        boolean[] arm = new boolean[1];
        f.memory.registerMmio(0xe000_0000L, 0xe000_0fffL, "test MMIO");
        HandlerType type = f.registry.registerType(HandlerKind.MMIO, "armed", (access, user) -> {
            if (arm[0]) {
                arm[0] = false;
                armed.run();
            }
            access.complete(7);
            return AccessOutcome.HANDLED;
        });
        f.registry.register(0xe000_0000L, 0xe000_0fffL, type, null, "device");
        pagingWithWindow(0xe000_0000, 0x7);
        f.exec("a1 00 00 00 02");
        return arm;
    }

    @Test
    void aStopAskedForInADeviceReadComesRightAfterTheReadingInstruction() {
        // A watchpoint's callback pauses the machine this way; with interrupts off the read itself
        // leaves the run loop's checks for later, so the request must bring them on.
        boolean[] arm = armedDeviceOnTheWindow(f.cpu::requestStop);
        arm[0] = true;
        f.set(Register.EBX, 0);
        // mov eax, [WINDOW] ; inc ebx ; inc ebx ; hlt
        assertEquals(StopReason.STOP_REQUESTED, f.run("a1 00 00 00 02 43 43 f4"));
        assertEquals(CpuFixture.CODE + 5, f.cpu.eip(), "stopped after the read");
        assertEquals(7, f.reg(Register.EAX));
        assertEquals(0, f.reg(Register.EBX), "nothing after the read ran");
    }

    @Test
    void anInterruptADeviceReadRaisesWithInterruptsOnIsTakenRightAfterTheRead() {
        boolean[] arm = armedDeviceOnTheWindow(() -> f.interrupts.raise(0x40));
        arm[0] = true;
        f.set(Register.EBX, 0);
        // sti ; nop (alone, in STI's shadow) ; mov eax, [WINDOW] ; inc ebx ; inc ebx ; hlt
        f.run("fb 90 a1 00 00 00 02 43 43 f4");
        f.assertInHandler(0x40);
        assertEquals(CpuFixture.CODE + 7, f.stack(0), "returns to the instruction after the read");
        assertEquals(0, f.reg(Register.EBX), "taken before the next instruction");
    }

    @Test
    void aRetIntoAPageCr3MapsOntoAnotherFrameRunsThatFramesCode() {
        // Where a link misses, the run loop recalls the instruction last found at the EIP; after a CR3
        // load the EIP leads into another frame, whose code must run, not the one recalled.
        f.load(PAGE_A, "b8 01 00 00 00 c3"); // mov eax, 1 ; ret
        f.load(PAGE_B, "b8 02 00 00 00 c3"); // mov eax, 2 ; ret
        pagingWithWindow(PAGE_A, 0x7);
        int second = f.identityDirectory32();
        int table = f.allocateTable();
        f.memory.write(second + 4L * (WINDOW >>> 22), 4, table | 0x7);
        f.memory.write(table + 4L * ((WINDOW >>> 12) & 1023), 4, PAGE_B | 0x7);
        f.set(Register.ECX, second);
        // The first two visits find the window's code through the fetch and then the recall; the third,
        // after the CR3 load, comes by a RET that never led there, at the same EIP.
        int back1 = CpuFixture.CODE + 11;
        int back2 = CpuFixture.CODE + 22;
        int back3 = CpuFixture.CODE + 38;
        f.exec("68" + le(back1) + " 68 00 00 00 02 c3" // push back1 ; push WINDOW ; ret
                + " 68" + le(back2) + " 68 00 00 00 02 c3" // back1: push back2 ; push WINDOW ; ret
                + " 89 c3 0f 22 d9" // back2: mov ebx, eax ; mov cr3, ecx
                + " 68" + le(back3) + " 68 00 00 00 02 c3"); // push back3 ; push WINDOW ; ret ; back3: (hlt)
        assertEquals(1, f.reg(Register.EBX), "the first directory's frame");
        assertEquals(2, f.reg(Register.EAX), "the second directory's frame");
    }

    @Test
    void instructionsInAPagesLastBytesSeeTheirBytesPatchedOnBothSidesOfTheBoundary() {
        // The window's page ends with a MOV EAX and RET, and a MOV EAX whose immediate runs on into the
        // next page, which is mapped to a frame that does not follow it physically. Instructions in a
        // page's last 16 bytes are cached where they end within it; each time their immediates are
        // patched (in either frame) the next run must show the new bytes.
        int second = 0x0060_0000;
        long pte = pagingWithWindow(PAGE_A, 0x7);
        f.memory.write(pte + 4, 4, second | 0x7);
        f.load(PAGE_A + 0xff4, "b8 55 55 55 55 c3 90 90 90 b8 33 33"); // 0xff4: mov eax ; ret ; 0xffd: mov eax, ...
        // The host frame allocated after A's is B's, not the next page's: a check of the bytes past A's
        // end would not see the patches there.
        f.memory.write(PAGE_B, 4, 0xbbbb);
        f.load(second, "33 33 c3"); // ... its last two bytes ; ret
        f.exec("ba" + le(WINDOW + 0xff4) + " ff d2 89 c3" // mov edx, WINDOW + 0xff4 ; call edx ; mov ebx, eax
                + " b9" + le(WINDOW + 0xffd) + " ff d1 89 c6" // mov ecx, WINDOW + 0xffd ; call ecx ; mov esi, eax
                + " c6 05" + le(PAGE_A + 0xff8) + " 66" // mov byte [PAGE_A + 0xff8], 0x66
                + " c6 05" + le(second + 1) + " 44" // mov byte [second + 1], 0x44
                + " ff d2 89 c7 ff d1 89 c5" // call edx ; mov edi, eax ; call ecx ; mov ebp, eax
                + " c6 05" + le(second + 1) + " 77 ff d1"); // mov byte [second + 1], 0x77 ; call ecx
        assertEquals(0x5555_5555, f.reg(Register.EBX));
        assertEquals(0x3333_3333, f.reg(Register.ESI));
        assertEquals(0x6655_5555, f.reg(Register.EDI), "the instruction in the page's last bytes, patched");
        assertEquals(0x4433_3333, f.reg(Register.EBP), "the instruction across the boundary, patched in the next frame");
        assertEquals(0x7733_3333, f.reg(Register.EAX), "patched again");
    }

    @Test
    void alignedQuadwordAccessIsNeverSplit() {
        Recorder recorder = mmioDevice(0xe000_0000L, 0x1000);
        f.set(Register.EDX, 0);
        f.set(Register.EAX, 0);
        // cmpxchg8b [0xe0000010]: one 8-byte read, then the 8-byte write-back
        f.exec("0f c7 0d 10 00 00 e0");
        assertEquals(List.of("R e0000010/8=0", "W e0000010/8=1122334455667788"), recorder.log);
    }

    @Test
    void handlerRegisteredBetweenRunsTakesEffectAtTheNextAccess() {
        f.exec("c7 05 00 00 04 00 01 00 00 00");
        Recorder recorder = new Recorder(HandlerKind.WRITE);
        f.registry.register(CpuFixture.DATA, CpuFixture.DATA + 3, recorder.type, null, "watch");
        f.exec("c7 05 00 00 04 00 02 00 00 00");
        assertEquals(List.of("W 40000/4=2"), recorder.log);
        assertEquals(2, f.read(CpuFixture.DATA, 4), "a WRITE handler lets the write happen");
    }

    @Test
    void handlerRegisteredByADeviceDuringTheRunTakesEffectAtOnce() {
        Recorder recorder = new Recorder(HandlerKind.WRITE);
        f.onPortWrite(0x500, () -> f.registry.register(CpuFixture.DATA, CpuFixture.DATA + 0xfff, recorder.type, null, "armed"));
        f.set(Register.EDX, 0x500);
        // mov [DATA], eax (maps the page writable) ; out dx, al (arms the handler) ; mov [DATA+4], eax
        f.exec("a3 00 00 04 00 ee a3 04 00 04 00");
        assertEquals(List.of("W 40004/4=28"), recorder.log);
    }

    @Test
    void selfModifyingCodeExecutesTheNewBytes() {
        // mov byte [CODE+8], 0x42 ; mov eax, 0x11 -> the immediate was patched before it ran
        f.exec("c6 05 08 00 01 00 42 b8 11 00 00 00");
        assertEquals(0x42, f.reg(Register.EAX));
        // and under paging, through a second mapping of the code page
        int directory = f.identityDirectory32();
        int table = f.allocateTable();
        f.memory.write(directory + 4L * (WINDOW >>> 22), 4, table | 0x7);
        f.memory.write(table, 4, CpuFixture.CODE | 0x3);
        f.enablePaging32(directory);
        f.exec("c6 05 08 00 00 02 77 b8 11 00 00 00");
        assertEquals(0x77, f.reg(Register.EAX));
    }

    @Test
    void patchingTheBytesOfAFusedJccInTheNextChunkOfItsFrameIsSeen() {
        // A write to a frame with decoded instructions starts a new code generation only where it meets bytes
        // of one (64-byte chunks). The loop's counter and its JNZ run as one entry at offsets 63 to 65, across
        // the chunk boundary at 64: the second pass patches the JNZ's displacement at 65, which must send the
        // third and fourth passes to LB instead of LA.
        f.exec("b9 04 00 00 00 31 c0 eb 13" // mov ecx, 4 ; xor eax, eax ; jmp LA
                + " 05 00 01 00 00 eb 2f" // LB (9): add eax, 0x100 ; jmp DEC
                + " 90 90 90 90 90 90 90 90 90 90 90 90"
                + " 40 83 f8 02 75 07" // LA (28): inc eax ; cmp eax, 2 ; jne +7
                + " c6 05 41 00 01 00 c7" // mov byte [CODE + 65], LB - 66
                + " 90 90 90 90 90 90 90 90 90 90 90 90 90 90 90 90 90 90 90 90 90 90"
                + " 49 75 da"); // DEC (63): dec ecx ; jnz LA
        assertEquals(0x202, f.reg(Register.EAX));
    }

    @Test
    void patchingAHotLoopReplacesItsLinkedInstructions() {
        // A loop (inc eax ; inc ebx) runs 100 times, so its instructions are linked to one another. Then
        // its second instruction becomes inc edx (a link into a patched entry must not be followed), and
        // then its two instructions become one two-byte add edi, eax (the links of a re-decoded entry
        // must go: the old second instruction's offset is now inside the first).
        clearAccumulators();
        f.exec("b9 64 00 00 00" // mov ecx, 100
                + " 40 43 49 75 fb" // loop: inc eax ; inc ebx ; dec ecx ; jnz loop
                + " 46 83 fe 01 74 07 83 fe 02 74 0b eb 19" // inc esi ; cmp esi, 1/2 ; je patch1/patch2 ; jmp done
                + " c6 05 06 00 01 00 42 eb 09" // patch1: mov byte [loop + 1], 0x42 (inc edx) ; jmp again
                + " 66 c7 05 05 00 01 00 01 c7" // patch2: mov word [loop], 0xc701 (add edi, eax)
                + " b9 64 00 00 00 eb d5"); // again: mov ecx, 100 ; jmp loop ; done:
        assertEquals(3, f.reg(Register.ESI));
        assertEquals(200, f.reg(Register.EAX));
        assertEquals(100, f.reg(Register.EBX));
        assertEquals(100, f.reg(Register.EDX));
        assertEquals(200 * 100, f.reg(Register.EDI));
    }

    @Test
    void remappingLinkedCodeRunsTheNewPage() {
        // The window's code (inc eax, or inc ebx after the remap) jumps back to a loop that jumps to it:
        // after three rounds the jumps are linked; then the window is remapped to the other page with
        // INVLPG and the loop runs again.
        long pte = pagingWithWindow(PAGE_A, 0x3);
        int back = CpuFixture.CODE + 10;
        f.memory.write(PAGE_A, CpuFixture.bytes("40 e9" + le(back - (WINDOW + 6))), 0, 6);
        f.memory.write(PAGE_B, CpuFixture.bytes("43 e9" + le(back - (WINDOW + 6))), 0, 6);
        clearAccumulators();
        f.exec("b9 03 00 00 00" // mov ecx, 3
                + " e9" + le(WINDOW - (CpuFixture.CODE + 10)) // again: jmp WINDOW
                + " 49 75 f8" // back: dec ecx ; jnz again
                + " 85 d2 75 19 42" // test edx, edx ; jnz done ; inc edx
                + " c7 05" + le((int) pte) + le(PAGE_B | 0x3) // mov dword [pte], PAGE_B | RW | P
                + " 0f 01 3d" + le(WINDOW) // invlpg [WINDOW]
                + " b9 03 00 00 00 eb db"); // mov ecx, 3 ; jmp again ; done:
        assertEquals(3, f.reg(Register.EAX));
        assertEquals(3, f.reg(Register.EBX));
    }

    private void clearAccumulators() {
        for (Register r : List.of(Register.EAX, Register.EBX, Register.EDX, Register.ESI, Register.EDI)) {
            f.set(r, 0);
        }
    }

    @Test
    void anInstructionsCachedTranslationFollowsARemap() {
        // The same load runs three times in a row (so that its cached entry caches the translation) and
        // again after the window was remapped from A to B with INVLPG.
        long pte = windowOnMarkedPages(0x3);
        clearAccumulators();
        f.exec("b9 03 00 00 00" // again: mov ecx, 3
                + " 8b 1d" + le(WINDOW) + " 49 75 f7" // load: mov ebx, [WINDOW] ; dec ecx ; jnz load
                + " 85 f6 75 16 89 df 46" // test esi, esi ; jnz done ; mov edi, ebx ; inc esi
                + " c7 05" + le((int) pte) + le(PAGE_B | 0x3) // mov dword [pte], PAGE_B | RW | P
                + " 0f 01 3d" + le(WINDOW) + " eb d8"); // invlpg [WINDOW] ; jmp again ; done:
        assertEquals(0xaaaa, f.reg(Register.EDI));
        assertEquals(0xbbbb, f.reg(Register.EBX));
    }

    @Test
    void anInstructionsCachedWriteAccessEndsWithTheWritePermission() {
        // The same store runs three times, then again after the window was made read-only with INVLPG:
        // that one faults (CR0.WP makes read-only pages read-only for the kernel too).
        long pte = windowOnMarkedPages(0x3);
        f.cpu.setControlRegister(0, f.cpu.controlRegister(0) | 0x10000);
        clearAccumulators();
        f.set(Register.EAX, 0x1234);
        f.run("b9 03 00 00 00" // again: mov ecx, 3
                + " a3" + le(WINDOW) + " 49 75 f8" // store: mov [WINDOW], eax ; dec ecx ; jnz store
                + " 85 f6 75 14 46" // test esi, esi ; jnz done ; inc esi
                + " c7 05" + le((int) pte) + le(PAGE_A | 0x1) // mov dword [pte], PAGE_A | P
                + " 0f 01 3d" + le(WINDOW) + " eb db f4"); // invlpg [WINDOW] ; jmp again ; done: hlt
        f.assertInHandler(Cpu.PF);
        assertEquals(WINDOW, f.cpu.controlRegister(2));
        assertEquals(0x1234, f.memory.read(PAGE_A, 4), "the first store went through");
    }

    @Test
    void aStoreWhoseTargetBecameCodeStillPatchesIt() {
        // A store fills its translation cache with write access to a data page; then code in that page
        // runs (mov eax, imm ; ret), which takes write access away; the same store then patches the
        // immediate, and the call must see the patch.
        int x = CpuFixture.DATA;
        clearAccumulators();
        // The stack page is written first: its first write would start a new translation epoch anyway.
        f.exec("50 58" // push eax ; pop eax
                + " c6 05" + le(x) + " b8 c6 05" + le(x + 5) + " c3" // mov byte [x], 0xb8 (mov eax) ; mov byte [x + 5], 0xc3 (ret)
                + " ba 11 00 00 00" // mov edx, 0x11
                + " 89 15" + le(x + 1) // again: mov [x + 1], edx
                + " e8" + le(x - (CpuFixture.CODE + 32)) // call x
                + " 85 f6 75 0a 89 c3 46 ba 22 00 00 00 eb e7"); // test esi, esi ; jnz done ; mov ebx, eax ; inc esi ; mov edx, 0x22 ; jmp again ; done:
        assertEquals(0x11, f.reg(Register.EBX));
        assertEquals(0x22, f.reg(Register.EAX));
    }

    @Test
    void writesBesideCodeInItsFrameTakeOneWalkNotOneEach() {
        // mov ecx, 100 ; again: mov [CODE + 0x800], ecx ; dec ecx ; jnz again: a global kept in the frame of
        // the code that writes it, as xv6's user programs do. The TLB withholds write access from the frame,
        // so each write leaves the fast path to be checked against the code; the entry says it may go ahead.
        long fillsBefore = f.cpu.statistics().tlbFills();
        f.exec("b9 64 00 00 00 89 0d" + le(CpuFixture.CODE + 0x800) + " 49 75 f7");
        assertEquals(1, f.memory.read(CpuFixture.CODE + 0x800, 4), "every write landed, the last one last");
        assertTrue(f.cpu.statistics().tlbFills() - fillsBefore <= 3,
                "writes after the first need no walk: " + (f.cpu.statistics().tlbFills() - fillsBefore) + " fills");
        assertTrue(f.cpu.walk(CpuFixture.CODE).tlb().contains("RW(code)"), f.cpu.walk(CpuFixture.CODE).tlb());
    }

    @Test
    void anInstructionsCachedTranslationFollowsANewSegmentBase() {
        // The same load through DS runs three times, then DS is reloaded with a flat segment based at
        // DATA and the load runs again: the translation cache is keyed by offset, so it must be emptied.
        f.writeDescriptor(0x70, CpuFixture.DATA, 0xfffff, 0x92, 0xc);
        f.memory.write(0x100, 4, 0x1111);
        f.memory.write(CpuFixture.DATA + 0x100, 4, 0x2222);
        clearAccumulators();
        f.exec("b9 03 00 00 00" // again: mov ecx, 3
                + " a1 00 01 00 00 49 75 f8" // load: mov eax, [0x100] ; dec ecx ; jnz load
                + " 85 f6 75 0b 89 c3 46" // test esi, esi ; jnz done ; mov ebx, eax ; inc esi
                + " 66 ba 70 00 8e da eb e4"); // mov dx, 0x70 ; mov ds, dx ; jmp again ; done:
        assertEquals(0x1111, f.reg(Register.EBX));
        assertEquals(0x2222, f.reg(Register.EAX));
    }

    @Test
    void codeMappedThriceBranchesIntoTheNextPageOfEachMapping() {
        // One frame holds "jmp to the next page" and is mapped at three linear pages: after the first the
        // next page maps mov eax, 1 ; ret, after the second mov eax, 2 ; ret, after the third nothing. The
        // jump's cached entry is shared by all three mappings, so it must not carry a link from one
        // mapping's next page into another's.
        int directory = f.identityDirectory32();
        f.memory.write(f.pte32(directory, 0x200000), 4, 0x20000 | 7);
        f.memory.write(f.pte32(directory, 0x201000), 4, 0x21000 | 7);
        f.memory.write(f.pte32(directory, 0x300000), 4, 0x20000 | 7);
        f.memory.write(f.pte32(directory, 0x301000), 4, 0x22000 | 7);
        f.memory.write(f.pte32(directory, 0x400000), 4, 0x20000 | 7);
        f.memory.write(f.pte32(directory, 0x401000), 4, 0);
        f.load(0x20000, "e9 fb 0f 00 00");
        f.load(0x21000, "b8 01 00 00 00 c3");
        f.load(0x22000, "b8 02 00 00 00 c3");
        f.enablePaging32(directory);
        int code = CpuFixture.CODE;
        // Through the third mapping first (a #PF on its next page), so that its TLB entry exists later.
        f.run(call(code, 0x400000) + " f4");
        f.assertInHandler(Cpu.PF);
        // The second mapping, the first twice (its jump gets linked), the second, the first, the third.
        int next = code + 0x100;
        f.set(Register.ESP, CpuFixture.STACK);
        f.cpu.setControlRegister(2, 0);
        f.load(next, call(next, 0x300000) + call(next + 5, 0x200000) + call(next + 10, 0x200000) + " 89 c3"
                + call(next + 17, 0x300000) + " 89 c1" + call(next + 24, 0x200000) + " 89 c2" + call(next + 31, 0x400000)
                + " f4");
        f.cpu.setEip(next);
        f.cpu.run(1000);
        assertEquals(1, f.reg(Register.EBX));
        assertEquals(2, f.reg(Register.ECX));
        assertEquals(1, f.reg(Register.EDX));
        f.assertInHandler(Cpu.PF);
        assertEquals(0x401000, f.cpu.controlRegister(2), "the third mapping's next page is not mapped");
    }

    @Test
    void exceptionAndInterruptFramesOnAMonitoredPageTableAreWritten() {
        // A REP STOSD (which the pool may complete itself when it writes a page table) runs, then the stack
        // moves onto a page table the pool monitors and a #PF, or an interrupt, pushes its frame there. The
        // pool must judge the frame's writes by the faulting instruction or by none, not by the REP STOSD.
        int directory = f.identityDirectory32();
        long table = f.memory.read(directory + 4L * 3, 4) & ~0xfffL;
        f.enablePaging32(directory);
        int top = (int) table + 0x1000;
        f.run("8b 1d" + le(0xc00000) // mov ebx, [0xc00000]: the page table at 12 MiB gets shadowed and monitored
                + " bf" + le(CpuFixture.DATA) + " b9 04 00 00 00 31 c0 f3 ab" // mov edi, DATA ; mov ecx, 4 ; xor eax, eax ; rep stosd
                + " bc" + le(top) + " 8b 15" + le(0x1000000) + " f4"); // mov esp, top ; mov edx, [16 MiB]: #PF
        f.assertInHandler(Cpu.PF);
        assertEquals(CpuFixture.CODE + 0x19, f.memory.read(top - 12, 4), "the #PF frame's EIP");
        assertEquals(0, f.memory.read(top - 16, 4), "the #PF frame's error code");

        f.set(Register.EAX, 0);
        f.load(CpuFixture.CODE + 0x100, "bf" + le(CpuFixture.DATA) + " b9 04 00 00 00 f3 ab bc" + le(top) + " 90 90 f4");
        f.cpu.setEip(CpuFixture.CODE + 0x100);
        f.cpu.setEflags(0x202);
        f.cpu.run(5); // up to and including the first NOP
        f.interrupts.raise(0x20);
        f.cpu.run(100);
        f.assertInHandler(0x20);
        assertEquals(CpuFixture.CODE + 0x100 + 0x12, f.memory.read(top - 12, 4), "the interrupt frame's EIP: the second NOP");
        assertEquals(CpuFixture.KERNEL_CODE, f.memory.read(top - 8, 4), "the interrupt frame's CS");
    }

    /** A near CALL at {@code from} to {@code target}, as hex with a leading space. */
    private static String call(int from, int target) {
        return " e8" + le(target - (from + 5));
    }

    /** A dword as little-endian hex bytes, with a leading space. */
    private static String le(int value) {
        return String.format(" %02x %02x %02x %02x", value & 0xff, value >>> 8 & 0xff, value >>> 16 & 0xff, value >>> 24);
    }

    @Test
    void firstWriteToAZeroPageIsSeenThroughEveryAlias() {
        long pte = pagingWithWindow(0x00c0_0000, 0x3);
        f.memory.write(pte + 4, 4, 0x00c0_0000 | 0x3);
        // mov eax, [WINDOW+0x1000] (the alias reads the shared zero frame) ; mov [WINDOW], 0x5a ; mov ebx, [WINDOW+0x1000]
        f.exec("a1 00 10 00 02 c7 05 00 00 00 02 5a 00 00 00 8b 1d 00 10 00 02");
        assertEquals(0, f.reg(Register.EAX));
        assertEquals(0x5a, f.reg(Register.EBX), "the alias no longer maps the zero frame");
    }

    @Test
    void unassignedPhysicalSpaceReadsAllOnes() {
        f.exec("a1 00 00 00 f0 a3 00 00 00 f0");
        assertEquals(-1, f.reg(Register.EAX));
    }

    @Test
    void enablingPagingSwitchesFromPhysicalToPagedShadowTables() {
        f.exec("a1 00 00 04 00");
        assertTrue(poolKinds().contains(PoolKind.PT32_FOR_PHYS), poolKinds().toString());
        pagingWithWindow(PAGE_A, 0x3);
        f.exec("a1 00 00 00 02");
        assertTrue(poolKinds().contains(PoolKind.PT32_FOR_PT32), poolKinds().toString());
        assertEquals(StopReason.HALTED, f.run("f4"));
    }
}
