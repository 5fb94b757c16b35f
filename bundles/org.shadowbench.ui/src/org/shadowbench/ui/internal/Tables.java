package org.shadowbench.ui.internal;

import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.IntSupplier;

import org.eclipse.jface.viewers.ColumnLabelProvider;
import org.eclipse.jface.viewers.ILazyContentProvider;
import org.eclipse.jface.viewers.TableViewer;
import org.eclipse.jface.viewers.TableViewerColumn;
import org.eclipse.jface.viewers.Viewer;
import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Table;

/** The tables the views share: virtual tables over their rows, and text columns. */
final class Tables {
    private Tables() {
    }

    /**
     * A virtual table with header and lines: it asks only for the rows in sight, by index, so a view
     * with thousands of handlers, pool pages or events pays for a screenful. The view sets the item
     * count and refreshes when its rows change.
     *
     * @param selection {@link SWT#SINGLE} or {@link SWT#MULTI}
     * @param rowAt    the row shown at an index
     * @param rowCount how many rows there are now
     */
    static TableViewer virtual(Composite parent, int selection, IntFunction<?> rowAt, IntSupplier rowCount) {
        TableViewer viewer = new TableViewer(parent, SWT.VIRTUAL | selection | SWT.FULL_SELECTION | SWT.BORDER);
        Table table = viewer.getTable();
        table.setHeaderVisible(true);
        table.setLinesVisible(true);
        viewer.setContentProvider(new ILazyContentProvider() {
            @Override
            public void updateElement(int index) {
                if (index < rowCount.getAsInt()) {
                    viewer.replace(rowAt.apply(index), index);
                }
            }

            @Override
            public void inputChanged(Viewer changed, Object oldInput, Object newInput) {
            }
        });
        return viewer;
    }

    /** A column showing a text of each row, which is a {@code T}. */
    @SuppressWarnings("unchecked")
    static <T> TableViewerColumn column(TableViewer viewer, String title, int width, int style, Function<T, String> text) {
        TableViewerColumn column = new TableViewerColumn(viewer, style);
        column.getColumn().setText(title);
        column.getColumn().setWidth(width);
        column.setLabelProvider(new ColumnLabelProvider() {
            @Override
            public String getText(Object element) {
                return text.apply((T) element);
            }
        });
        return column;
    }
}
