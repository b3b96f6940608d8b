#include <arch/abi.h>
#include <fs/anon.h>
#include <fs/epoll.h>
#include <kernel/sync/giant.h>
#include <kernel/poll_table.h>
#include <kernel/signal.h>
#include <kernel/wait_queue.h>

namespace fs {
namespace {
using kernel::WaitQueue;

// Bits that are flags, not events (EP_PRIVATE_BITS): a one-shot registration that fired
// keeps only these, so it reports nothing until EPOLL_CTL_MOD.
constexpr u32 kPrivateBits = kEpollWakeup | kEpollOneShot | kEpollEt | kEpollExclusive;
// What EPOLLEXCLUSIVE may be combined with (EPOLLEXCLUSIVE_OK_BITS).
constexpr u32 kExclusiveOk = kPollIn | kPollOut | kPollErr | kPollHup | kEpollWakeup | kEpollEt | kEpollExclusive;
// Linux's EPOLL_MAX_NESTS: how deep epolls may be nested in each other.
constexpr int kMaxNests = 4;

class Epoll;

// A registration. Locking: registrations are made, changed and removed, and the
// registered set (Epoll::m_items) is walked, with the giant lock held (kernel/sync/giant.h),
// so a holder of it sees every Item stay. The wakes of the registered files' queues
// run anywhere, without it (a pipe written on another CPU): they take the Epoll's
// m_lock, which guards the ready list and every Item's ready_node and `events`
// (written with both locks held, read under either).
struct Item {
    WaitQueue::Waiter waiter; // first: notify() finds the Item from it
    Epoll* ep;
    File* file; // not a reference: the registration ends with the File (watch)
    int fd;
    u32 events; // with EPOLLERR | EPOLLHUP always added
    u64 data;
    WaitQueue* queue; // where `waiter` is queued
    FileWatch watch;
    lv::ListNode all_node;   // Epoll::m_items
    lv::ListNode ready_node; // Epoll::m_ready, or a list local to a running epoll_wait
};
using ItemList = lv::IntrusiveList<Item, &Item::all_node>;
using ReadyList = lv::IntrusiveList<Item, &Item::ready_node>;

Item& item_of_watch(FileWatch& w) {
    return *reinterpret_cast<Item*>(reinterpret_cast<uptr>(&w) - __builtin_offsetof(Item, watch));
}

FileSystem* epoll_fs() { return anon_fs("eventpoll"); }

class Epoll final : public AnonInode {
public:
    explicit Epoll(FileSystem& fs) : AnonInode(fs) {}

    void release(File&) override {
        kernel::giant::Section g;
        while (Item* it = m_items.first()) remove(*it);
    }
    u32 poll(File&, u32 events) override;
    WaitQueue* wait_queue(File&) override { return &m_wait; }

    ErrorOr<void> ctl(int op, int fd, File& target, u32 events, u64 data);
    ErrorOr<size_t> wait(VirtAddr out, size_t max, u64 deadline, bool immediate);
    // True if `target` is among the epolls nested in this one, or they nest too deep.
    bool reaches(const Epoll& target, int depth) const LV_REQUIRES_GIANT;

private:
    Item* find(File& file, int fd) LV_REQUIRES_GIANT;
    ErrorOr<void> insert(File& target, int fd, u32 events, u64 data) LV_REQUIRES_GIANT;
    void remove(Item& it) LV_REQUIRES_GIANT;
    void make_ready(Item& it);
    // Moves reported events to the user; see wait().
    ErrorOr<size_t> transfer(VirtAddr out, size_t max);

    static void on_wake(WaitQueue::Waiter& w, u32 key);
    static void on_file_gone(FileWatch& w) LV_REQUIRES_GIANT; // File::~File, under the giant lock

    ItemList m_items LV_GUARDED_BY_GIANT;
    // Linux's ep->lock: taken inside the lock of a watched queue (on_wake), never held
    // while waking a queue or polling a file.
    kernel::Spinlock m_lock {"epoll"};
    ReadyList m_ready LV_GUARDED_BY(m_lock);
    // epoll_wait callers, and whoever polls this epoll. Woken under the lock of a queue
    // it watches, which may be another epoll's: nested in itself, so its lock class is
    // left out of the lock-order checks (Linux annotates the nesting depth instead).
    WaitQueue m_wait {"epoll wait", false};
};

Epoll* epoll_of(const File& f) {
    // The inode of an epoll file is the Epoll (FileOps); its filesystem says so.
    FileSystem* fs = epoll_fs();
    return fs && &f.inode->fs == fs ? static_cast<Epoll*>(f.inode.get()) : nullptr;
}

Item* Epoll::find(File& file, int fd) {
    for (Item& it : m_items)
        if (it.file == &file && it.fd == fd) return &it;
    return nullptr;
}

void Epoll::make_ready(Item& it) {
    {
        kernel::SpinlockLocker l(m_lock);
        if (!it.ready_node.linked()) m_ready.push_back(it);
    }
    m_wait.wake_all(kPollIn | kPollRdNorm);
}

// A wake of the registered file's queue (under its lock, maybe in interrupt context or
// on another CPU without the giant lock).
void Epoll::on_wake(WaitQueue::Waiter& w, u32 key) {
    auto& it = reinterpret_cast<Item&>(w);
    Epoll& ep = *it.ep;
    {
        kernel::SpinlockLocker l(ep.m_lock);
        if (!(it.events & ~kPrivateBits)) return; // a one-shot that already fired
        if (key && !(key & it.events)) return;    // not what it waits for (ep_poll_callback)
        if (!it.ready_node.linked()) ep.m_ready.push_back(it);
    }
    ep.m_wait.wake_all(kPollIn | kPollRdNorm);
}

// The registered File's last reference is gone (~File, under the giant lock).
void Epoll::on_file_gone(FileWatch& w) {
    Item& it = item_of_watch(w);
    it.ep->remove(it);
}

void Epoll::remove(Item& it) {
    it.queue->remove(it.waiter); // under the queue's lock: no on_wake of it runs after
    if (it.watch.node.linked()) lv::IntrusiveList<FileWatch, &FileWatch::node>::remove(it.watch);
    {
        kernel::SpinlockLocker l(m_lock);
        if (it.ready_node.linked()) ReadyList::remove(it);
    }
    ItemList::remove(it);
    lv::destroy(&it);
}

bool Epoll::reaches(const Epoll& target, int depth) const {
    // ep_loop_check_proc: the epolls registered here, at `depth` below the one being added.
    for (const Item& it : const_cast<ItemList&>(m_items)) {
        Epoll* inner = epoll_of(*it.file);
        if (!inner) continue;
        if (inner == &target || depth > kMaxNests || inner->reaches(target, depth + 1)) return true;
    }
    return false;
}

ErrorOr<void> Epoll::insert(File& target, int fd, u32 events, u64 data) {
    WaitQueue* q = target.ops->wait_queue(target);
    if (!q) return Errno::EPERM;
    auto* it = lv::make<Item>();
    if (!it) return Errno::ENOMEM;
    it->ep = this;
    it->file = &target;
    it->fd = fd;
    it->events = events;
    it->data = data;
    it->queue = q;
    it->waiter.notify = on_wake;
    it->watch.file_gone = on_file_gone;
    kernel::giant::Section g;
    m_items.push_back(*it);
    target.watches.push_back(it->watch);
    q->add(it->waiter);
    if (target.ops->poll(target, events) & events) make_ready(*it);
    return {};
}

ErrorOr<void> Epoll::ctl(int op, int fd, File& target, u32 events, u64 data) {
    Epoll* inner = epoll_of(target);
    if (op != kEpollCtlDel && (events & kEpollExclusive)) {
        if (op == kEpollCtlMod) return Errno::EINVAL;
        if (op == kEpollCtlAdd && (inner || (events & ~kExclusiveOk))) return Errno::EINVAL;
    }
    kernel::giant::Section g;
    if (op == kEpollCtlAdd && inner && inner->reaches(*this, 0)) return Errno::ELOOP;
    Item* it = find(target, fd);
    switch (op) {
    case kEpollCtlAdd:
        if (it) return Errno::EEXIST;
        return insert(target, fd, events | kPollErr | kPollHup, data);
    case kEpollCtlDel:
        if (!it) return Errno::ENOENT;
        remove(*it);
        return {};
    case kEpollCtlMod:
        if (!it) return Errno::ENOENT;
        if (it->events & kEpollExclusive) return Errno::EINVAL;
        {
            kernel::SpinlockLocker l(m_lock);
            it->events = events | kPollErr | kPollHup;
        }
        it->data = data;
        if (target.ops->poll(target, it->events) & it->events) make_ready(*it);
        return {};
    default:
        return Errno::EINVAL;
    }
}

u32 Epoll::poll(File&, u32 events) {
    // Readable when a registration on the ready list really has an event (ep_eventpoll_poll).
    // The list is walked a step at a time under m_lock, each file polled without it. With
    // the giant lock held no entry leaves the list meanwhile (only on_wake changes it
    // without that lock, and it only appends).
    kernel::giant::Section g;
    Item* it;
    {
        kernel::SpinlockLocker l(m_lock);
        it = m_ready.first();
    }
    while (it) {
        if (it->file->ops->poll(*it->file, it->events) & it->events) return events & (kPollIn | kPollRdNorm);
        kernel::SpinlockLocker l(m_lock);
        it = m_ready.next(*it);
    }
    return 0;
}

ErrorOr<size_t> Epoll::transfer(VirtAddr out, size_t max) {
    // As ep_send_events: the ready list is taken whole; registrations woken meanwhile go
    // on the (now empty) ready list, for the next call. Each is polled again in a
    // giant::Section; the user copy runs outside it, so a registration may be removed
    // (EPOLL_CTL_DEL, its file closed) while we copy: the local lists stay consistent
    // because removal unlinks through the node.
    // tx and relist are local, but their entries' nodes are on_wake's to test: they are
    // changed under m_lock too.
    ReadyList tx, relist;
    {
        kernel::SpinlockLocker l(m_lock);
        while (Item* it = m_ready.pop_front()) tx.push_back(*it);
    }
    size_t n = 0;
    Errno error {};
    while (n < max) {
        VirtAddr slot = out + n * sizeof(arch::LinuxEpollEvent);
        {
            kernel::SpinlockLocker l(m_lock);
            if (tx.empty()) break;
        }
        // Touch the slot first (rewriting what is there): once a registration is taken
        // off the list its event must not be lost to a fault (Linux puts it back).
        arch::LinuxEpollEvent ev {};
        auto probe = mm::copy_from_user(&ev, slot, sizeof ev);
        if (!probe.is_error()) probe = mm::copy_to_user(slot, &ev, sizeof ev);
        if (probe.is_error()) {
            error = probe.error();
            break;
        }
        {
            kernel::giant::Section g;
            Item* it;
            {
                kernel::SpinlockLocker l(m_lock);
                it = tx.pop_front();
            }
            if (!it) break;
            u32 revents = it->file->ops->poll(*it->file, it->events) & it->events;
            if (!revents) continue; // no longer ready: dropped until its next wake
            ev.events = revents;
            ev.data = it->data;
            kernel::SpinlockLocker l(m_lock);
            if (it->events & kEpollOneShot) it->events &= kPrivateBits;
            // Level-triggered: again next time, unless a wake since it left tx (the poll
            // above, as a timerfd counting a new expiry does) put it on the ready list.
            else if (!(it->events & kEpollEt) && !it->ready_node.linked()) relist.push_back(*it);
        }
        // FIXME: only another thread unmapping the slot since the probe can make this
        // fail; the event is then lost.
        (void)mm::copy_to_user(slot, &ev, sizeof ev);
        n++;
    }
    bool ready;
    {
        kernel::SpinlockLocker l(m_lock);
        // What was not reported goes back in front, level-triggered ones at the end.
        ReadyList rest;
        while (Item* it = tx.pop_front()) rest.push_back(*it);
        while (Item* it = m_ready.pop_front()) rest.push_back(*it);
        while (Item* it = relist.pop_front()) rest.push_back(*it);
        while (Item* it = rest.pop_front()) m_ready.push_back(*it);
        ready = !m_ready.empty();
    }
    if (ready) m_wait.wake_all(kPollIn | kPollRdNorm); // other waiters (ep_done_scan)
    if (n == 0 && error != Errno {}) return error;
    return n;
}

ErrorOr<size_t> Epoll::wait(VirtAddr out, size_t max, u64 deadline, bool immediate) {
    kernel::PollTable table;
    if (!immediate) table.add(m_wait);
    bool timed_out = immediate;
    for (;;) {
        table.begin_scan();
        size_t n = TRY(transfer(out, max));
        if (n) return n;
        if (timed_out) return 0;
        if (kernel::signal_pending()) return Errno::EINTR;
        auto r = table.sleep(deadline);
        if (r.is_error()) {
            if (r.error() == Errno::ETIMEDOUT) timed_out = true;
            else if (r.error() != Errno::EINTR) return r.error();
        }
    }
}
} // namespace

ErrorOr<lv::RefPtr<File>> create_epoll(u32 flags) {
    FileSystem* fs = epoll_fs();
    if (!fs) return Errno::ENOMEM;
    auto* raw = lv::make<Epoll>(*fs);
    if (!raw) return Errno::ENOMEM;
    return open_anon(lv::RefPtr<Inode>::adopt(raw), flags);
}

bool is_epoll(const File& f) { return epoll_of(f) != nullptr; }

ErrorOr<void> epoll_ctl(File& ep, int op, int fd, File& target, u32 events, u64 data) {
    // The checks of do_epoll_ctl, in its order.
    if (!target.ops->wait_queue(target)) return Errno::EPERM; // regular files, /dev/null...
    Epoll* e = epoll_of(ep);
    if (!e || &ep == &target) return Errno::EINVAL;
    return e->ctl(op, fd, target, events, data);
}

ErrorOr<size_t> epoll_wait(File& ep, VirtAddr out, size_t max, u64 deadline, bool immediate) {
    Epoll* e = epoll_of(ep);
    if (!e) return Errno::EINVAL;
    return e->wait(out, max, deadline, immediate);
}
} // namespace fs
