package org.shadowbench.ui.internal;

import java.util.List;
import java.util.function.Function;

import org.eclipse.swt.SWT;
import org.eclipse.swt.graphics.GC;
import org.eclipse.swt.widgets.Table;
import org.eclipse.swt.widgets.TableColumn;

/**
 * Widens a table's columns so their text is not cut, as rows arrive. A column the user has resized by hand
 * is left alone from then on: their width wins over ours.
 */
final class ColumnFit {

    /** Cell padding and the sort arrow, beyond the text itself. */
    private static final int PADDING = 24;

    private final Table table;
    private final boolean[] userSized;
    private boolean fitting;

    ColumnFit(Table table) {
        this.table = table;
        this.userSized = new boolean[table.getColumnCount()];
        TableColumn[] columns = table.getColumns();
        for (int i = 0; i < columns.length; i++) {
            int column = i;
            columns[i].addListener(SWT.Resize, event -> {
                if (!fitting) {
                    userSized[column] = true;
                }
            });
        }
    }

    /**
     * Grows each column not sized by the user to the widest of its title and the texts of the rows in
     * sight (a table of handlers or pool pages can be long, and is refreshed ten times a second).
     *
     * @param rows        the rows in display order
     * @param columnTexts each column's text of a row, in column order
     */
    <T> void fit(List<T> rows, List<? extends Function<? super T, String>> columnTexts) {
        if (table.isDisposed()) {
            return;
        }
        TableColumn[] columns = table.getColumns();
        GC gc = new GC(table);
        fitting = true;
        try {
            int first = Math.min(table.getTopIndex(), rows.size());
            int visible = table.getClientArea().height / Math.max(1, table.getItemHeight()) + 1;
            int end = Math.min(rows.size(), first + visible);
            for (int c = 0; c < columns.length && c < userSized.length && c < columnTexts.size(); c++) {
                if (userSized[c]) {
                    continue;
                }
                int widest = gc.textExtent(columns[c].getText()).x;
                for (int r = first; r < end; r++) {
                    String cell = columnTexts.get(c).apply(rows.get(r));
                    if (cell != null && !cell.isEmpty()) {
                        widest = Math.max(widest, gc.textExtent(cell).x);
                    }
                }
                if (widest + PADDING > columns[c].getWidth()) {
                    columns[c].setWidth(widest + PADDING);
                }
            }
        } finally {
            fitting = false;
            gc.dispose();
        }
    }
}
