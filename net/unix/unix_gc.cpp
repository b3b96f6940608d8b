// Garbage collection of AF_UNIX sockets kept alive only by SCM_RIGHTS messages that
// nobody can receive any more: send a socket's own descriptor through it (or two
// sockets' through each other) and close them, and the files in flight hold each other
// forever. As Linux's unix_gc does: a socket whose file is referenced only from
// queues is a candidate; references coming from candidates' own queues are taken away;
// candidates still referenced, and everything they hold, are alive; the rest is
// garbage, and emptying their queues breaks the cycles.
#include <kernel/sync/giant.h>
#include <net/unix/unix_socket.h>

namespace net::af_unix {
namespace {
u64 g_in_flight = 0;       // every file inside a queued packet (too_many_unix_fds)
bool g_collecting = false; // freeing garbage closes sockets, which would collect again
constexpr u64 kGcTrigger = 16000; // UNIX_INFLIGHT_TRIGGER_GC: collect on send past this
} // namespace

UnixSocket* UnixSocket::from_file(fs::File& f) {
    Socket* s = socket_of(f);
    return s && s->domain == kAfUnix ? static_cast<UnixSocket*>(s) : nullptr;
}

u64 UnixSocket::in_flight_total() { return g_in_flight; }

void UnixSocket::files_in_flight(const lv::Vector<lv::RefPtr<fs::File>>& files, int delta) {
    if (files.empty()) return;
    kernel::giant::Section g;
    for (const auto& f : files) {
        g_in_flight += u64(i64(delta));
        if (UnixSocket* u = from_file(*f)) u->m_inflight += u32(delta);
    }
}

void UnixSocket::collect_garbage_if_many() LV_REQUIRES_GIANT {
    if (g_in_flight > kGcTrigger) collect_garbage();
}

template <typename F>
void UnixSocket::for_each_queued(F f) LV_REQUIRES_GIANT {
    for (Packet& p : m_queue) {
        f(p);
        // A listener's queue holds connections not yet accepted; what was sent to them
        // is reachable through the listener.
        if (m_state == State::Listening && p.sender)
            for (Packet& q : p.sender->m_queue) f(q);
    }
}

void UnixSocket::collect_garbage() LV_REQUIRES_GIANT {
    if (g_collecting || g_in_flight == 0) return;
    g_collecting = true;
    PacketList dead;
    {
        kernel::giant::Section g;
        auto& all = all_sockets();
        for (UnixSocket& s : all) {
            s.m_gc_candidate = s.m_gc_alive = false;
            fs::File* f = s.file();
            if (!f || s.m_inflight == 0 || f->ref_count() != s.m_inflight) continue;
            s.m_gc_candidate = true;
            s.m_gc_refs = s.m_inflight;
        }
        auto children = [](UnixSocket& s, auto&& visit) LV_REQUIRES_GIANT {
            s.for_each_queued([&](Packet& p) LV_REQUIRES_GIANT {
                for (const auto& f : p.files)
                    if (UnixSocket* u = from_file(*f); u && u->m_gc_candidate) visit(*u);
            });
        };
        for (UnixSocket& s : all)
            if (s.m_gc_candidate) children(s, [](UnixSocket& u) LV_REQUIRES_GIANT { u.m_gc_refs--; });
        for (UnixSocket& s : all)
            if (s.m_gc_candidate && s.m_gc_refs > 0) s.m_gc_alive = true;
        for (bool changed = true; changed;) {
            changed = false;
            for (UnixSocket& s : all) {
                if (!s.m_gc_candidate || !s.m_gc_alive) continue;
                children(s, [&](UnixSocket& u) LV_REQUIRES_GIANT {
                    if (!u.m_gc_alive) u.m_gc_alive = changed = true;
                });
            }
        }
        for (UnixSocket& s : all) {
            if (!s.m_gc_candidate || s.m_gc_alive) continue;
            while (Packet* p = s.dequeue()) dead.push_back(*p);
            s.wake_relays();
        }
    }
    free_packets(dead);
    g_collecting = false;
}
} // namespace net::af_unix
