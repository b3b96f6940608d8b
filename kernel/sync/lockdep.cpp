#include <arch/interface.h>
#include <kernel/log.h>
#include <kernel/smp.h>
#include <kernel/sync/lockdep.h>
#include <lib/format.h>
#include <lib/string.h>

#if LV_LOCKDEP
namespace kernel::lockdep {
namespace {
constexpr int kMaxClasses = 64; // one bit each in a u64
constexpr int kMaxEdges = 512;
constexpr int kStackDepth = 10;

struct Edge {
    u8 from, to;
    u8 depth;
    uptr stack[kStackDepth]; // where `to` was first taken while holding `from`
};

// The class graph. Changed under g_graph_lock, a raw lock word taken with interrupts off
// (this cannot use Spinlock, which calls in here); read without it on the common path,
// a lock taken in an order already seen, since the graph only grows: a class's name is
// written before the count that publishes it, and edges are bits that are only set.
u32 g_graph_lock = 0;
void lock_graph() {
    while (__atomic_exchange_n(&g_graph_lock, 1u, __ATOMIC_ACQUIRE)) {
        smp::handle_requests();
        arch::cpu_relax();
    }
}
void unlock_graph() { __atomic_store_n(&g_graph_lock, 0u, __ATOMIC_RELEASE); }

const char* g_names[kMaxClasses];
int g_classes = 0;
u64 g_after[kMaxClasses]; // bit b of g_after[a]: b was taken while a was held
Edge g_edges[kMaxEdges];
int g_edge_count = 0;
bool g_off = false; // a table filled up: checking stops (said once in the log)

constexpr u64 bit(int c) { return 1ull << c; }

void turn_off(const char* why) {
    if (g_off) return;
    g_off = true;
    log_warn("lockdep: %s: lock-order checking is off from here", why);
}

int class_of(const char* name, bool add) {
    // Names are string literals: the same pointer nearly always, so that is looked for
    // first (every lock operation comes here); equal text from another literal second.
    int n = __atomic_load_n(&g_classes, __ATOMIC_ACQUIRE);
    for (int i = 0; i < n; i++)
        if (g_names[i] == name) return i;
    for (int i = 0; i < n; i++)
        if (!strcmp(g_names[i], name)) return i;
    if (!add) return -1;
    // Adding: the caller holds g_graph_lock (and looked again under it).
    if (n == kMaxClasses) {
        turn_off("more than 64 lock classes");
        return -1;
    }
    g_names[n] = name;
    __atomic_store_n(&g_classes, n + 1, __ATOMIC_RELEASE);
    return n;
}

// Whether taking class c with `h` held adds nothing to the graph (every order known).
bool known_orders(const HeldLocks& h, int c) {
    for (int i = 0; i < h.depth; i++)
        if (h.classes[i] == c || !(__atomic_load_n(&g_after[h.classes[i]], __ATOMIC_RELAXED) & bit(c))) return false;
    return h.depth < kMaxHeld;
}

const Edge* find_edge(int from, int to) {
    for (int i = 0; i < g_edge_count; i++)
        if (g_edges[i].from == from && g_edges[i].to == to) return &g_edges[i];
    return nullptr;
}

// The classes on a path from `from` to `to` in the graph (breadth first), or 0 if none.
int find_path(int from, int to, int (&path)[kMaxClasses]) {
    int parent[kMaxClasses];
    u64 seen = bit(from), frontier = bit(from);
    while (frontier) {
        u64 next = 0;
        for (int x = 0; x < g_classes; x++) {
            if (!(frontier & bit(x))) continue;
            for (int y = 0; y < g_classes; y++) {
                if (!(g_after[x] & bit(y)) || (seen & bit(y))) continue;
                parent[y] = x;
                seen |= bit(y);
                next |= bit(y);
            }
        }
        if (seen & bit(to)) {
            int n = 0;
            for (int c = to; c != from; c = parent[c]) path[n++] = c;
            path[n++] = from;
            for (int i = 0; i < n / 2; i++) {
                int tmp = path[i];
                path[i] = path[n - 1 - i];
                path[n - 1 - i] = tmp;
            }
            return n;
        }
        frontier = next;
    }
    return 0;
}

[[noreturn]] void report_inversion(int held, int taking) {
    log_error("lockdep: possible deadlock: taking '%s' while holding '%s', but the other order was seen:",
              g_names[taking], g_names[held]);
    int path[kMaxClasses];
    int n = find_path(taking, held, path);
    for (int i = 0; i + 1 < n; i++) {
        const Edge* e = find_edge(path[i], path[i + 1]);
        char title[160];
        lv::snprintf(title, sizeof title, "lockdep: '%s' taken while holding '%s' at:", g_names[path[i + 1]],
                     g_names[path[i]]);
        if (e) print_stack(title, e->stack, e->depth);
    }
    panic("lockdep: lock order inversion: '%s' taken while holding '%s' (stack below)", g_names[taking],
          g_names[held]);
}

// Records that the current thread takes class c (with the graph lock).
void add_held(HeldLocks& h, int c) {
    if (c < 0) return;
    for (int i = 0; i < h.depth; i++) {
        int before = h.classes[i];
        if (before == c)
            panic("lockdep: a second '%s' lock taken while one is held (two instances, no order between them)",
                  g_names[c]);
        if (g_after[before] & bit(c)) continue;
        // A new order before -> c: it must not close a cycle.
        int path[kMaxClasses];
        if (find_path(c, before, path)) report_inversion(before, c);
        __atomic_fetch_or(&g_after[before], bit(c), __ATOMIC_RELAXED);
        if (g_edge_count == kMaxEdges) {
            turn_off("more than 512 lock orders");
            continue;
        }
        Edge& e = g_edges[g_edge_count++];
        e.from = u8(before);
        e.to = u8(c);
        e.depth = u8(capture_stack(e.stack, kStackDepth));
    }
    if (h.depth == kMaxHeld) turn_off("a thread holds more than 16 locks");
    else h.classes[h.depth++] = u8(c);
}
} // namespace

void acquire(const char* name) {
    HeldLocks* held = current_held_locks();
    if (!held || g_off) return;
    arch::IrqState s = arch::irq_save();
    int c = class_of(name, false);
    if (c >= 0 && known_orders(*held, c)) {
        held->classes[held->depth++] = u8(c);
    } else {
        lock_graph();
        add_held(*held, class_of(name, true));
        unlock_graph();
    }
    arch::irq_restore(s);
}

void release(const char* name) {
    HeldLocks* held = current_held_locks();
    if (!held) return;
    arch::IrqState s = arch::irq_save();
    int c = class_of(name, false);
    HeldLocks& h = *held;
    // The most recent one of the class (locks need not be released in order).
    for (int i = h.depth - 1; c >= 0 && i >= 0; i--) {
        if (h.classes[i] != c) continue;
        for (int j = i; j + 1 < h.depth; j++) h.classes[j] = h.classes[j + 1];
        h.depth--;
        break;
    }
    arch::irq_restore(s);
}
} // namespace kernel::lockdep
#endif
