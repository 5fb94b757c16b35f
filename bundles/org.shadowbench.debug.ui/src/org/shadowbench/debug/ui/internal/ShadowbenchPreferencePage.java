package org.shadowbench.debug.ui.internal;

import org.eclipse.core.runtime.preferences.InstanceScope;
import org.eclipse.jface.preference.FieldEditorPreferencePage;
import org.eclipse.jface.preference.IntegerFieldEditor;
import org.eclipse.ui.IWorkbench;
import org.eclipse.ui.IWorkbenchPreferencePage;
import org.eclipse.ui.preferences.ScopedPreferenceStore;
import org.shadowbench.machine.MachineConfiguration;
import org.shadowbench.pool.PoolConfiguration;
import org.shadowbench.ui.MachineDefaults;

/**
 * Window > Preferences > Shadowbench: the workbench's defaults for new machines
 * ({@link MachineDefaults}): RAM, shadow pool size, the pool's modification limit and the refresh
 * period. The New Machine dialog, machines launched in the views and new "Shadowbench Guest" launch
 * configurations use them; saved configurations keep their own values.
 */
public final class ShadowbenchPreferencePage extends FieldEditorPreferencePage implements IWorkbenchPreferencePage {
    public ShadowbenchPreferencePage() {
        super(GRID);
        setPreferenceStore(new ScopedPreferenceStore(InstanceScope.INSTANCE, MachineDefaults.NODE));
        setDescription("Defaults of new machines (New Machine and new Shadowbench Guest launch configurations).");
    }

    @Override
    public void init(IWorkbench workbench) {
        getPreferenceStore().setDefault(MachineDefaults.RAM_MIB, MachineDefaults.DEFAULT_RAM_MIB);
        getPreferenceStore().setDefault(MachineDefaults.POOL_PAGES, 0);
        getPreferenceStore().setDefault(MachineDefaults.MODIFICATION_LIMIT, 0);
        getPreferenceStore().setDefault(MachineDefaults.REFRESH_MILLIS, MachineDefaults.DEFAULT_REFRESH_MILLIS);
    }

    @Override
    protected void createFieldEditors() {
        IntegerFieldEditor ram = new IntegerFieldEditor(MachineDefaults.RAM_MIB, "Guest &RAM (MiB):",
                getFieldEditorParent());
        ram.setValidRange(GuestConfigurationCheck.MIN_RAM_MIB, GuestConfigurationCheck.MAX_RAM_MIB);
        addField(ram);
        IntegerFieldEditor pool = new IntegerFieldEditor(MachineDefaults.POOL_PAGES,
                "Shadow &pool size (pages; 0 sizes it for the RAM):", getFieldEditorParent()) {
            @Override
            protected boolean checkState() {
                boolean ok = super.checkState();
                if (ok && getIntValue() > 0 && getIntValue() < 16) {
                    showErrorMessage("A pool needs at least 16 pages (or 0 to size it for the RAM)");
                    return false;
                }
                return ok;
            }
        };
        pool.setValidRange(0, PoolConfiguration.MAX_PAGES);
        addField(pool);
        IntegerFieldEditor limit = new IntegerFieldEditor(MachineDefaults.MODIFICATION_LIMIT,
                "Monitored-write &limit (writes before a page table is flushed; 0: "
                        + PoolConfiguration.DEFAULT_MODIFICATION_LIMIT + "):", getFieldEditorParent());
        limit.setValidRange(0, MachineConfiguration.MAX_MODIFICATION_LIMIT);
        addField(limit);
        IntegerFieldEditor refresh = new IntegerFieldEditor(MachineDefaults.REFRESH_MILLIS,
                "View &refresh period while a guest runs (ms):", getFieldEditorParent());
        refresh.setValidRange(MachineDefaults.MIN_REFRESH_MILLIS, MachineDefaults.MAX_REFRESH_MILLIS);
        addField(refresh);
    }
}
