package org.shadowbench.ui.internal;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.eclipse.core.runtime.IAdapterFactory;
import org.eclipse.ui.views.properties.IPropertyDescriptor;
import org.eclipse.ui.views.properties.IPropertySource;
import org.eclipse.ui.views.properties.PropertyDescriptor;
import org.shadowbench.ui.MachineSession;

/**
 * Shows what the views select (pool pages, handlers, counters, events, machines) in the Properties
 * view. The engine's records become read-only property sources whose properties are their
 * components, so a component added to a record shows up without a change here.
 */
public final class PropertiesAdapterFactory implements IAdapterFactory {

    @Override
    public <T> T getAdapter(Object adaptable, Class<T> adapterType) {
        if (adapterType != IPropertySource.class) {
            return null;
        }
        if (adaptable instanceof MachineSession session) {
            return adapterType.cast(new Source(List.of(
                    new Property("name", "Name", session.name()),
                    new Property("state", "State", String.valueOf(session.state())),
                    new Property("guest", "Guest", session.spec().guestLabel()),
                    new Property("ram", "RAM", String.format(Locale.ROOT, "%,d MiB", session.spec().ramSize() >> 20)),
                    new Property("commandLine", "Command line", session.spec().commandLine()),
                    new Property("instructions", "Instructions", session.snapshot() == null ? ""
                            : String.format(Locale.ROOT, "%,d", session.snapshot().instructions())),
                    new Property("mips", "MIPS", String.format(Locale.ROOT, "%.1f", session.mips())))));
        }
        if (adaptable instanceof Record record) {
            return adapterType.cast(new Source(properties(record)));
        }
        return null;
    }

    @Override
    public Class<?>[] getAdapterList() {
        return new Class<?>[] { IPropertySource.class };
    }

    /** A record's components as properties, in declaration order. */
    static List<Property> properties(Record record) {
        List<Property> properties = new ArrayList<>();
        for (RecordComponent component : record.getClass().getRecordComponents()) {
            try {
                Object value = component.getAccessor().invoke(record);
                properties.add(new Property(component.getName(), StatisticsView.words(component.getName()),
                        format(component.getName(), value)));
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(component.toString(), e);
            }
        }
        return properties;
    }

    /** Addresses and frames in hexadecimal, other numbers with grouping, lists by their length. */
    static String format(String name, Object value) {
        String lower = name.toLowerCase(Locale.ROOT);
        boolean address = lower.contains("phys") || lower.contains("frame") || lower.equals("first")
                || lower.equals("last") || lower.equals("linear") || lower.equals("a") || lower.equals("b");
        if (value instanceof Long || value instanceof Integer) {
            long number = ((Number) value).longValue();
            return address && number >= 0 ? String.format(Locale.ROOT, "%#x", number)
                    : String.format(Locale.ROOT, "%,d", number);
        }
        if (value instanceof Double number) {
            return String.format(Locale.ROOT, "%,.2f", number);
        }
        if (value instanceof List<?> list) {
            return list.size() + (list.size() == 1 ? " entry" : " entries");
        }
        return String.valueOf(value);
    }

    /** One read-only property. */
    record Property(String id, String label, String value) {
    }

    /** Read-only: the views show the machine, they do not edit it. */
    static final class Source implements IPropertySource {
        private final List<Property> properties;

        Source(List<Property> properties) {
            this.properties = properties;
        }

        @Override
        public Object getEditableValue() {
            return this;
        }

        @Override
        public IPropertyDescriptor[] getPropertyDescriptors() {
            return properties.stream().map(p -> new PropertyDescriptor(p.id(), p.label())).toArray(IPropertyDescriptor[]::new);
        }

        @Override
        public Object getPropertyValue(Object id) {
            return properties.stream().filter(p -> p.id().equals(id)).map(Property::value).findFirst().orElse(null);
        }

        @Override
        public boolean isPropertySet(Object id) {
            return false;
        }

        @Override
        public void resetPropertyValue(Object id) {
        }

        @Override
        public void setPropertyValue(Object id, Object value) {
        }
    }
}
