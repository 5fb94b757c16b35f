package org.shadowbench.handlers.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * The registry's ordered set of disjoint handler ranges: a B+-tree keyed by first address.
 *
 * <p>Nodes hold up to {@value #CAPACITY} keys in primitive arrays, so a look-up touches a handful of
 * contiguous arrays instead of one object per level; wide nodes measured best (two levels for
 * thousands of handlers, see docs/PERFORMANCE.md). Leaves also hold each range's last address next to
 * its first and are chained for in-order walks; inner nodes keep the smallest key of each child. Nodes
 * that fall below a quarter full borrow from or merge with a sibling, so all leaves stay at the same
 * depth and the height logarithmic.
 */
final class HandlerTree {
    static final int CAPACITY = 128;
    private static final int MIN_FILL = CAPACITY / 4;

    private abstract static class Node {
        int count;
        final long[] keys = new long[CAPACITY];
    }

    private static final class Leaf extends Node {
        final long[] lasts = new long[CAPACITY];
        final PhysicalHandlerImpl[] values = new PhysicalHandlerImpl[CAPACITY];
        Leaf next;
        Leaf previous;
    }

    private static final class Inner extends Node {
        final Node[] children = new Node[CAPACITY];
    }

    private Node root = new Leaf();
    private int height = 1;
    private int size;

    int size() {
        return size;
    }

    int height() {
        return height;
    }

    /** Index of the last key at most {@code key}, or -1. */
    private static int floorIndex(long[] keys, int count, long key) {
        int low = 0;
        int high = count - 1;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            if (keys[mid] <= key) {
                low = mid + 1;
            } else {
                high = mid - 1;
            }
        }
        return high;
    }

    /** The leaf whose key span would hold {@code key} (the leftmost leaf for keys below all). */
    private Leaf leafFor(long key) {
        Node node = root;
        for (int level = 1; level < height; level++) {
            Inner inner = (Inner) node;
            int i = floorIndex(inner.keys, inner.count, key);
            node = inner.children[i < 0 ? 0 : i];
        }
        return (Leaf) node;
    }

    /** The handler whose range holds the address, or {@code null}. */
    PhysicalHandlerImpl containing(long address) {
        Node node = root;
        for (int level = 1; level < height; level++) {
            Inner inner = (Inner) node;
            int i = floorIndex(inner.keys, inner.count, address);
            if (i < 0) {
                return null;
            }
            node = inner.children[i];
        }
        Leaf leaf = (Leaf) node;
        int i = floorIndex(leaf.keys, leaf.count, address);
        return i >= 0 && address <= leaf.lasts[i] ? leaf.values[i] : null;
    }

    /** The handler with the largest first address at most {@code key}, or {@code null}. */
    PhysicalHandlerImpl floor(long key) {
        Leaf leaf = leafFor(key);
        int i = floorIndex(leaf.keys, leaf.count, key);
        if (i >= 0) {
            return leaf.values[i];
        }
        // Only the leftmost leaf can hold no key at most the key searched: then nothing does.
        return null;
    }

    /** The handler with the smallest first address at least {@code key}, or {@code null}. */
    PhysicalHandlerImpl ceiling(long key) {
        Leaf leaf = leafFor(key);
        int i = floorIndex(leaf.keys, leaf.count, key);
        if (i < 0 || leaf.keys[i] != key) {
            i++;
        }
        if (i < leaf.count) {
            return leaf.values[i];
        }
        Leaf next = leaf.next;
        return next != null && next.count > 0 ? next.values[0] : null;
    }

    /** The handler starting exactly at {@code first}, or {@code null}. */
    PhysicalHandlerImpl get(long first) {
        PhysicalHandlerImpl found = floor(first);
        return found != null && found.first == first ? found : null;
    }

    /** The handler overlapping [first, last], or {@code null}. */
    PhysicalHandlerImpl overlapping(long first, long last) {
        PhysicalHandlerImpl candidate = floor(last);
        return candidate != null && candidate.last >= first ? candidate : null;
    }

    /** Inserts a handler by its current first and last; {@code false} if it overlaps another. */
    boolean insert(PhysicalHandlerImpl handler) {
        if (overlapping(handler.first, handler.last) != null) {
            return false;
        }
        Node split = insert(root, handler.first, handler.last, handler);
        if (split != null) {
            Inner newRoot = new Inner();
            newRoot.keys[0] = root.keys[0];
            newRoot.children[0] = root;
            newRoot.keys[1] = split.keys[0];
            newRoot.children[1] = split;
            newRoot.count = 2;
            root = newRoot;
            height++;
        }
        size++;
        return true;
    }

    /** Inserts below {@code node}; returns the new right sibling when {@code node} had to split. */
    private Node insert(Node node, long key, long last, PhysicalHandlerImpl value) {
        if (node instanceof Leaf leaf) {
            Leaf target = leaf;
            Leaf right = null;
            if (leaf.count == CAPACITY) {
                right = splitLeaf(leaf);
                if (key >= right.keys[0]) {
                    target = right;
                }
            }
            int at = floorIndex(target.keys, target.count, key) + 1;
            int move = target.count - at;
            System.arraycopy(target.keys, at, target.keys, at + 1, move);
            System.arraycopy(target.lasts, at, target.lasts, at + 1, move);
            System.arraycopy(target.values, at, target.values, at + 1, move);
            target.keys[at] = key;
            target.lasts[at] = last;
            target.values[at] = value;
            target.count++;
            return right;
        }
        Inner inner = (Inner) node;
        int i = floorIndex(inner.keys, inner.count, key);
        if (i < 0) {
            // A new smallest key: it goes into the first child, whose minimum it becomes.
            i = 0;
            inner.keys[0] = key;
        }
        Node childSplit = insert(inner.children[i], key, last, value);
        if (childSplit == null) {
            return null;
        }
        Inner target = inner;
        Inner right = null;
        int at = i + 1;
        if (inner.count == CAPACITY) {
            right = splitInner(inner);
            if (at > inner.count) {
                target = right;
                at -= inner.count;
            }
        }
        int move = target.count - at;
        System.arraycopy(target.keys, at, target.keys, at + 1, move);
        System.arraycopy(target.children, at, target.children, at + 1, move);
        target.keys[at] = childSplit.keys[0];
        target.children[at] = childSplit;
        target.count++;
        return right;
    }

    private static Leaf splitLeaf(Leaf leaf) {
        Leaf right = new Leaf();
        int keep = leaf.count / 2;
        int move = leaf.count - keep;
        System.arraycopy(leaf.keys, keep, right.keys, 0, move);
        System.arraycopy(leaf.lasts, keep, right.lasts, 0, move);
        System.arraycopy(leaf.values, keep, right.values, 0, move);
        java.util.Arrays.fill(leaf.values, keep, leaf.count, null);
        right.count = move;
        leaf.count = keep;
        right.next = leaf.next;
        if (right.next != null) {
            right.next.previous = right;
        }
        right.previous = leaf;
        leaf.next = right;
        return right;
    }

    private static Inner splitInner(Inner inner) {
        Inner right = new Inner();
        int keep = inner.count / 2;
        int move = inner.count - keep;
        System.arraycopy(inner.keys, keep, right.keys, 0, move);
        System.arraycopy(inner.children, keep, right.children, 0, move);
        java.util.Arrays.fill(inner.children, keep, inner.count, null);
        right.count = move;
        inner.count = keep;
        return right;
    }

    /** Records a new last address for the handler starting at {@code first}. */
    void updateLast(long first, long last) {
        Leaf leaf = leafFor(first);
        int i = floorIndex(leaf.keys, leaf.count, first);
        if (i < 0 || leaf.keys[i] != first) {
            throw new IllegalStateException("no handler starts at " + Long.toHexString(first));
        }
        leaf.lasts[i] = last;
    }

    /** Removes the handler starting exactly at {@code first}; returns it or {@code null}. */
    PhysicalHandlerImpl remove(long first) {
        PhysicalHandlerImpl removed = remove(root, first);
        if (removed != null) {
            size--;
            while (height > 1 && root.count == 1) {
                root = ((Inner) root).children[0];
                height--;
            }
        }
        return removed;
    }

    private PhysicalHandlerImpl remove(Node node, long key) {
        if (node instanceof Leaf leaf) {
            int i = floorIndex(leaf.keys, leaf.count, key);
            if (i < 0 || leaf.keys[i] != key) {
                return null;
            }
            PhysicalHandlerImpl value = leaf.values[i];
            int move = leaf.count - i - 1;
            System.arraycopy(leaf.keys, i + 1, leaf.keys, i, move);
            System.arraycopy(leaf.lasts, i + 1, leaf.lasts, i, move);
            System.arraycopy(leaf.values, i + 1, leaf.values, i, move);
            leaf.values[--leaf.count] = null;
            return value;
        }
        Inner inner = (Inner) node;
        int i = floorIndex(inner.keys, inner.count, key);
        if (i < 0) {
            return null;
        }
        Node child = inner.children[i];
        PhysicalHandlerImpl value = remove(child, key);
        if (value == null) {
            return null;
        }
        if (child.count > 0) {
            inner.keys[i] = child.keys[0];
        }
        if (child.count < MIN_FILL && inner.count > 1) {
            rebalance(inner, i);
        }
        return value;
    }

    /** Merges child {@code i} with a sibling, or evens their counts out. */
    private static void rebalance(Inner parent, int i) {
        int left = i > 0 ? i - 1 : i;
        int right = left + 1;
        Node a = parent.children[left];
        Node b = parent.children[right];
        if (a.count + b.count <= CAPACITY) {
            merge(a, b);
            int move = parent.count - right - 1;
            System.arraycopy(parent.keys, right + 1, parent.keys, right, move);
            System.arraycopy(parent.children, right + 1, parent.children, right, move);
            parent.children[--parent.count] = null;
        } else {
            int target = (a.count + b.count) / 2;
            if (a.count > target) {
                shiftRight(a, b, a.count - target);
            } else {
                shiftLeft(a, b, target - a.count);
            }
            parent.keys[right] = b.keys[0];
        }
        parent.keys[left] = a.keys[0];
    }

    private static void merge(Node a, Node b) {
        System.arraycopy(b.keys, 0, a.keys, a.count, b.count);
        if (a instanceof Leaf la) {
            Leaf lb = (Leaf) b;
            System.arraycopy(lb.lasts, 0, la.lasts, la.count, lb.count);
            System.arraycopy(lb.values, 0, la.values, la.count, lb.count);
            la.next = lb.next;
            if (lb.next != null) {
                lb.next.previous = la;
            }
        } else {
            System.arraycopy(((Inner) b).children, 0, ((Inner) a).children, a.count, b.count);
        }
        a.count += b.count;
    }

    /** Moves the last {@code n} entries of {@code a} to the front of {@code b}. */
    private static void shiftRight(Node a, Node b, int n) {
        System.arraycopy(b.keys, 0, b.keys, n, b.count);
        System.arraycopy(a.keys, a.count - n, b.keys, 0, n);
        if (a instanceof Leaf la) {
            Leaf lb = (Leaf) b;
            System.arraycopy(lb.lasts, 0, lb.lasts, n, lb.count);
            System.arraycopy(lb.values, 0, lb.values, n, lb.count);
            System.arraycopy(la.lasts, la.count - n, lb.lasts, 0, n);
            System.arraycopy(la.values, la.count - n, lb.values, 0, n);
            java.util.Arrays.fill(la.values, la.count - n, la.count, null);
        } else {
            Inner ia = (Inner) a;
            Inner ib = (Inner) b;
            System.arraycopy(ib.children, 0, ib.children, n, ib.count);
            System.arraycopy(ia.children, ia.count - n, ib.children, 0, n);
            java.util.Arrays.fill(ia.children, ia.count - n, ia.count, null);
        }
        a.count -= n;
        b.count += n;
    }

    /** Moves the first {@code n} entries of {@code b} to the end of {@code a}. */
    private static void shiftLeft(Node a, Node b, int n) {
        System.arraycopy(b.keys, 0, a.keys, a.count, n);
        System.arraycopy(b.keys, n, b.keys, 0, b.count - n);
        if (a instanceof Leaf la) {
            Leaf lb = (Leaf) b;
            System.arraycopy(lb.lasts, 0, la.lasts, la.count, n);
            System.arraycopy(lb.values, 0, la.values, la.count, n);
            System.arraycopy(lb.lasts, n, lb.lasts, 0, lb.count - n);
            System.arraycopy(lb.values, n, lb.values, 0, lb.count - n);
            java.util.Arrays.fill(lb.values, lb.count - n, lb.count, null);
        } else {
            Inner ia = (Inner) a;
            Inner ib = (Inner) b;
            System.arraycopy(ib.children, 0, ia.children, ia.count, n);
            System.arraycopy(ib.children, n, ib.children, 0, ib.count - n);
            java.util.Arrays.fill(ib.children, ib.count - n, ib.count, null);
        }
        a.count += n;
        b.count -= n;
    }

    /** Every handler in address order. */
    List<PhysicalHandlerImpl> toList() {
        List<PhysicalHandlerImpl> result = new ArrayList<>(size);
        for (Leaf leaf = leftmostLeaf(); leaf != null; leaf = leaf.next) {
            for (int i = 0; i < leaf.count; i++) {
                result.add(leaf.values[i]);
            }
        }
        return result;
    }

    private Leaf leftmostLeaf() {
        Node node = root;
        for (int level = 1; level < height; level++) {
            node = ((Inner) node).children[0];
        }
        return (Leaf) node;
    }

    /** Appends violations of the tree's invariants. */
    void check(List<String> problems) {
        List<Leaf> leaves = new ArrayList<>();
        int counted = checkNode(root, 1, root == this.root, leaves, problems);
        if (counted != size) {
            problems.add("handler tree holds " + counted + " entries but counts " + size);
        }
        Leaf expected = leftmostLeaf();
        Leaf previous = null;
        long previousLast = Long.MIN_VALUE;
        for (Leaf leaf : leaves) {
            if (leaf != expected || leaf.previous != previous) {
                problems.add("handler tree leaf chain is broken");
                return;
            }
            for (int i = 0; i < leaf.count; i++) {
                PhysicalHandlerImpl value = leaf.values[i];
                if (value == null || value.first != leaf.keys[i] || value.last != leaf.lasts[i]) {
                    problems.add("handler tree entry " + Long.toHexString(leaf.keys[i]) + " disagrees with its handler "
                            + value);
                }
                if (leaf.keys[i] > leaf.lasts[i] || (previousLast != Long.MIN_VALUE && leaf.keys[i] <= previousLast)) {
                    problems.add("handler ranges out of order or overlapping at " + Long.toHexString(leaf.keys[i]));
                }
                previousLast = leaf.lasts[i];
            }
            previous = leaf;
            expected = leaf.next;
        }
        if (expected != null) {
            problems.add("handler tree leaf chain continues past the last leaf");
        }
    }

    private int checkNode(Node node, int depth, boolean isRoot, List<Leaf> leaves, List<String> problems) {
        if (!isRoot && node.count < 1) {
            problems.add("empty handler tree node at depth " + depth);
        }
        for (int i = 1; i < node.count; i++) {
            if (node.keys[i - 1] >= node.keys[i]) {
                problems.add("handler tree keys out of order at depth " + depth);
            }
        }
        if (node instanceof Leaf leaf) {
            if (depth != height) {
                problems.add("handler tree leaf at depth " + depth + " of " + height);
            }
            leaves.add(leaf);
            return leaf.count;
        }
        Inner inner = (Inner) node;
        if (depth >= height) {
            problems.add("handler tree inner node at depth " + depth + " of " + height);
            return 0;
        }
        if (isRoot && inner.count < 2) {
            problems.add("handler tree root has a single child");
        }
        int total = 0;
        for (int i = 0; i < inner.count; i++) {
            Node child = inner.children[i];
            if (child.count > 0 && inner.keys[i] != child.keys[0]) {
                problems.add("handler tree separator " + Long.toHexString(inner.keys[i]) + " is not its child's minimum");
            }
            total += checkNode(child, depth + 1, false, leaves, problems);
        }
        return total;
    }
}
