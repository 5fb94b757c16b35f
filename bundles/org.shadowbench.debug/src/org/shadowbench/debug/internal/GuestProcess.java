package org.shadowbench.debug.internal;

import java.util.HashMap;
import java.util.Map;

import org.eclipse.debug.core.DebugEvent;
import org.eclipse.debug.core.DebugException;
import org.eclipse.debug.core.DebugPlugin;
import org.eclipse.debug.core.ILaunch;
import org.eclipse.debug.core.model.IProcess;
import org.eclipse.debug.core.model.IStreamsProxy;
import org.eclipse.core.runtime.PlatformObject;
import org.shadowbench.debug.ShadowbenchDebug;

/**
 * The guest's COM1 as the launch's process, so that the platform gives it a process console whose
 * input goes to the UART. It lives and ends with its target: terminating it terminates the guest.
 */
final class GuestProcess extends PlatformObject implements IProcess {
    private final ILaunch launch;
    private final GuestDebugTarget target;
    private final SerialStreams streams;
    private final String label;
    private final Map<String, String> attributes = new HashMap<>();
    private volatile boolean terminated;

    GuestProcess(ILaunch launch, GuestDebugTarget target, SerialStreams streams, String label) {
        this.launch = launch;
        this.target = target;
        this.streams = streams;
        this.label = label;
        attributes.put(ATTR_PROCESS_TYPE, ShadowbenchDebug.PROCESS_TYPE);
        attributes.put(ATTR_PROCESS_LABEL, label);
    }

    /** The target ended: the last output goes to the console, then the process says it terminated. */
    void targetTerminated() {
        if (terminated) {
            return;
        }
        streams.close();
        terminated = true;
        DebugPlugin plugin = DebugPlugin.getDefault();
        if (plugin != null) {
            plugin.fireDebugEventSet(new DebugEvent[] { new DebugEvent(this, DebugEvent.TERMINATE) });
        }
    }

    void created() {
        DebugPlugin plugin = DebugPlugin.getDefault();
        if (plugin != null) {
            plugin.fireDebugEventSet(new DebugEvent[] { new DebugEvent(this, DebugEvent.CREATE) });
        }
    }

    @Override
    public String getLabel() {
        return label;
    }

    @Override
    public ILaunch getLaunch() {
        return launch;
    }

    @Override
    public IStreamsProxy getStreamsProxy() {
        return streams;
    }

    @Override
    public synchronized void setAttribute(String key, String value) {
        attributes.put(key, value);
    }

    @Override
    public synchronized String getAttribute(String key) {
        return attributes.get(key);
    }

    @Override
    public int getExitValue() throws DebugException {
        Integer code = target.exitCode();
        if (!terminated) {
            throw new DebugException(GuestDebugTarget.status("the guest is still running", null));
        }
        return code == null ? -1 : code;
    }

    @Override
    public boolean canTerminate() {
        return !terminated;
    }

    @Override
    public boolean isTerminated() {
        return terminated;
    }

    @Override
    public void terminate() {
        target.terminate();
    }

    @Override
    public <T> T getAdapter(Class<T> adapter) {
        if (adapter.isInstance(target)) {
            return adapter.cast(target);
        }
        if (adapter == ILaunch.class) {
            return adapter.cast(launch);
        }
        return super.getAdapter(adapter);
    }
}
