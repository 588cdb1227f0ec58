package relay.loadgen.net;

import java.util.Arrays;

/** An array-backed binary min-heap of {@link Timer}s by due time; grows only while connections are set up. */
final class TimerHeap {
    private Timer[] heap = new Timer[64];
    private int size;

    boolean isEmpty() {
        return size == 0;
    }

    Timer peek() {
        return heap[0];
    }

    void add(Timer timer) {
        if (timer.heapIndex >= 0) {
            remove(timer);
        }
        if (size == heap.length) {
            heap = Arrays.copyOf(heap, size * 2);
        }
        heap[size] = timer;
        timer.heapIndex = size;
        siftUp(size++);
    }

    Timer poll() {
        Timer top = heap[0];
        removeAt(0);
        return top;
    }

    void remove(Timer timer) {
        if (timer.heapIndex >= 0 && timer.heapIndex < size && heap[timer.heapIndex] == timer) {
            removeAt(timer.heapIndex);
        }
    }

    private void removeAt(int i) {
        Timer removed = heap[i];
        removed.heapIndex = -1;
        size--;
        if (i == size) {
            heap[size] = null;
            return;
        }
        Timer last = heap[size];
        heap[size] = null;
        heap[i] = last;
        last.heapIndex = i;
        siftDown(i);
        if (heap[i] == last) {
            siftUp(i);
        }
    }

    private void siftUp(int i) {
        Timer t = heap[i];
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            Timer p = heap[parent];
            if (p.dueNs - t.dueNs <= 0) {
                break;
            }
            heap[i] = p;
            p.heapIndex = i;
            i = parent;
        }
        heap[i] = t;
        t.heapIndex = i;
    }

    private void siftDown(int i) {
        Timer t = heap[i];
        int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            int right = child + 1;
            if (right < size && heap[right].dueNs - heap[child].dueNs < 0) {
                child = right;
            }
            Timer c = heap[child];
            if (t.dueNs - c.dueNs <= 0) {
                break;
            }
            heap[i] = c;
            c.heapIndex = i;
            i = child;
        }
        heap[i] = t;
        t.heapIndex = i;
    }
}
