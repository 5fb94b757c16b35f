package org.shadowbench.debug.ui.internal;

import org.eclipse.core.runtime.preferences.InstanceScope;
import org.eclipse.jface.preference.FieldEditorPreferencePage;
import org.eclipse.jface.preference.IntegerFieldEditor;
import org.eclipse.ui.IWorkbench;
import org.eclipse.ui.IWorkbenchPreferencePage;
import org.eclipse.ui.preferences.ScopedPreferenceStore;
import org.shadowbench.debug.ShadowbenchDebug;
import org.shadowbench.pool.PoolConfiguration;

/**
 * Window > Preferences > Shadowbench: what new "Shadowbench Guest" launch configurations start with
 * (the launch shortcut's and the launch dialog's defaults). Saved configurations keep their own values.
 */
public final class ShadowbenchPreferencePage extends FieldEditorPreferencePage implements IWorkbenchPreferencePage {
    public ShadowbenchPreferencePage() {
        super(GRID);
        setPreferenceStore(new ScopedPreferenceStore(InstanceScope.INSTANCE, DebugUiActivator.BUNDLE));
        setDescription("Defaults of new Shadowbench Guest launch configurations.");
    }

    @Override
    public void init(IWorkbench workbench) {
        getPreferenceStore().setDefault(Preferences.DEFAULT_RAM_MIB, ShadowbenchDebug.DEFAULT_RAM_MIB);
        getPreferenceStore().setDefault(Preferences.POOL_PAGES, 0);
    }

    @Override
    protected void createFieldEditors() {
        IntegerFieldEditor ram = new IntegerFieldEditor(Preferences.DEFAULT_RAM_MIB, "Guest &RAM (MiB):",
                getFieldEditorParent());
        ram.setValidRange(GuestConfigurationCheck.MIN_RAM_MIB, GuestConfigurationCheck.MAX_RAM_MIB);
        addField(ram);
        IntegerFieldEditor pool = new IntegerFieldEditor(Preferences.POOL_PAGES,
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
    }
}
