#include <fs/file.h>
#include <fs/path.h>
#include <fs/sysfs.h>
#include <kernel/smp.h>
#include <lib/format.h>
#include <lib/string.h>

namespace fs {
namespace {
constexpr u64 kSysfsMagic = 0x62656572; // SYSFS_MAGIC

// A generated file's text; `arg` is the CPU number inside a cpuN directory.
constexpr size_t kMaxText = 64;
using Generator = size_t (*)(char* buf, size_t cap, int arg);

// Every CPU the kernel runs is online, and CPUs are not hot-plugged: online, possible
// and present are the same list, and offline is empty (an empty line, as Linux's).
size_t cpu_list(char* buf, size_t cap, int) {
    unsigned n = kernel::smp::online_count();
    return n == 1 ? lv::snprintf(buf, cap, "0\n") : lv::snprintf(buf, cap, "0-%u\n", n - 1);
}
size_t no_cpus(char* buf, size_t cap, int) { return lv::snprintf(buf, cap, "\n"); }
size_t kernel_max(char* buf, size_t cap, int) { return lv::snprintf(buf, cap, "%u\n", kernel::smp::kMaxCpus - 1); }
size_t cpu_online(char* buf, size_t cap, int) { return lv::snprintf(buf, cap, "1\n"); }

// The tree, as tables: a node is a file (gen) or a directory (its children, ended by
// a node without a name); a directory with cpu_dirs also holds cpu0..cpuN-1, each a
// directory of per_cpu's files.
struct Node {
    const char* name;
    Generator gen = nullptr;
    const Node* children = nullptr;
    bool cpu_dirs = false;
    const Node* per_cpu = nullptr;
};

// Each CPU's directory: `online` for all but the boot CPU (x86's cpu0 cannot be taken
// offline, and Linux offers no file for it there).
constexpr Node kCpuN[] = {{"online", cpu_online}, {nullptr}};
constexpr Node kCpu[] = {
    {"kernel_max", kernel_max}, {"offline", no_cpus},      {"online", cpu_list},
    {"possible", cpu_list},     {"present", cpu_list},      {nullptr},
};
constexpr Node kSystem[] = {{"cpu", nullptr, kCpu, true, kCpuN}, {nullptr}};
constexpr Node kDevices[] = {{"system", nullptr, kSystem}, {nullptr}};
constexpr Node kRootChildren[] = {{"devices", nullptr, kDevices}, {nullptr}};
constexpr Node kRoot = {"", nullptr, kRootChildren};

size_t count(const Node* children) {
    size_t n = 0;
    while (children && children[n].name) n++;
    return n;
}

// Inode numbers are stable: a node's address in the tables (they are unique and
// fixed), with the CPU number for what lies in a cpuN directory.
u64 ino_of(const Node& n, int cpu) { return (reinterpret_cast<uptr>(&n) >> 3 << 8) | u64(cpu + 1); }

class SysFile final : public Inode {
public:
    SysFile(FileSystem& fs, const Node& n, int cpu) : Inode(fs, kIfreg | 0444), m_node(n), m_cpu(cpu) {
        ino = ino_of(n, cpu);
        size = 4096; // as Linux reports every attribute: a page
    }
    // Read-only attributes: opening one for writing is refused, even for root (kernfs).
    ErrorOr<void> open(File& f) override {
        return (f.flags & kOAccMode) != kORdOnly ? Errno::EACCES : ErrorOr<void>(); // (f.ops is not set yet)
    }
    ErrorOr<size_t> read_at(u64 offset, const IoBuffer& buf, size_t n) override {
        char text[kMaxText];
        size_t len = min(m_node.gen(text, sizeof text, m_cpu), sizeof text - 1);
        if (offset >= len) return 0;
        n = min<size_t>(n, len - offset);
        TRY(buf.write(0, text + offset, n));
        return n;
    }

private:
    const Node& m_node;
    int m_cpu;
};

class SysDir final : public Inode {
public:
    // `cpu`: the CPU of a cpuN directory, else -1.
    SysDir(FileSystem& fs, const Node& n, int cpu, Inode* parent)
        : Inode(fs, kIfdir | 0555), m_node(n), m_cpu(cpu), m_parent(parent) {
        ino = ino_of(n, cpu);
        nlink = 2;
    }
    ErrorOr<lv::RefPtr<Inode>> lookup(lv::StringView name) override;
    ErrorOr<void> iterate(u64& cookie, DirEntrySink& sink) override;
    lv::RefPtr<Inode> parent() override { return m_parent ? m_parent : lv::RefPtr<Inode>(this); }
    bool name_of(Inode& child, char* buf, size_t cap, size_t& len) override {
        if (!child.is_dir() || &child.fs != &fs) return false;
        auto& c = static_cast<SysDir&>(child);
        len = c.m_cpu >= 0 ? lv::snprintf(buf, cap, "cpu%d", c.m_cpu) : lv::snprintf(buf, cap, "%s", c.m_node.name);
        return len < cap;
    }
    // Nothing is made or removed from user space. Linux's answers: a directory without
    // the operation (EPERM), except a new regular file, which open(O_CREAT) refuses with
    // EACCES.
    ErrorOr<lv::RefPtr<Inode>> create(lv::StringView, u32 mode, u64) override {
        return (mode & kIfmt) == kIfreg ? Errno::EACCES : Errno::EPERM;
    }
    ErrorOr<lv::RefPtr<Inode>> symlink(lv::StringView, lv::StringView) override { return Errno::EPERM; }
    ErrorOr<void> link(lv::StringView, Inode&) override { return Errno::EPERM; }
    ErrorOr<void> unlink(lv::StringView, bool) override { return Errno::EPERM; }
    ErrorOr<void> rename(lv::StringView, Inode&, lv::StringView, u32) override { return Errno::EPERM; }

private:
    // The files and directories listed here: a cpuN directory's come from its parent.
    const Node* children() const { return m_cpu >= 0 ? m_node.per_cpu : m_node.children; }
    // cpuN: the CPU number N, or -1 for any other name.
    int cpu_dir(lv::StringView name) const {
        if (!m_node.cpu_dirs || m_cpu >= 0 || name.size < 4 || memcmp(name.data, "cpu", 3)) return -1;
        unsigned v = 0;
        for (size_t i = 3; i < name.size; i++) {
            if (name[i] < '0' || name[i] > '9' || (i == 3 && name[i] == '0' && name.size > 4) || v > 1000) return -1;
            v = v * 10 + unsigned(name[i] - '0');
        }
        return v < kernel::smp::online_count() ? int(v) : -1;
    }

    const Node& m_node;
    int m_cpu;
    lv::RefPtr<Inode> m_parent;
};

ErrorOr<lv::RefPtr<Inode>> SysDir::lookup(lv::StringView name) {
    if (is_dot(name)) return lv::RefPtr<Inode>(this);
    if (is_dotdot(name)) return parent();
    const Node* c = children();
    for (size_t i = 0, n = count(c); i < n; i++) {
        if (!(lv::StringView(c[i].name) == name)) continue;
        if (c[i].gen) return make_inode<SysFile>(fs, c[i], m_cpu);
        return make_inode<SysDir>(fs, c[i], -1, this);
    }
    int cpu = cpu_dir(name);
    if (cpu >= 0) return make_inode<SysDir>(fs, m_node, cpu, this);
    return Errno::ENOENT;
}

ErrorOr<void> SysDir::iterate(u64& cookie, DirEntrySink& sink) {
    // Cookies: 0 ".", 1 "..", 2.. the fixed children, then 1000 + N for cpuN.
    if (!emit_dot_entries(*this, cookie, sink)) return {};
    const Node* c = children();
    size_t n = count(c);
    for (; cookie < 1000 && cookie - 2 < n; cookie++)
        if (!sink.emit(c[cookie - 2].name, ino_of(c[cookie - 2], m_cpu), c[cookie - 2].gen ? kDtReg : kDtDir,
                       cookie + 1))
            return {};
    if (!m_node.cpu_dirs || m_cpu >= 0) return {};
    if (cookie < 1000) cookie = 1000;
    char name[16];
    for (; cookie - 1000 < kernel::smp::online_count(); cookie++) {
        size_t len = lv::snprintf(name, sizeof name, "cpu%u", unsigned(cookie - 1000));
        if (!sink.emit(lv::StringView(name, len), ino_of(m_node, int(cookie - 1000)), kDtDir, cookie + 1)) return {};
    }
    return {};
}
} // namespace

FileSystem* create_sysfs() {
    auto* f = lv::make<FileSystem>();
    if (!f) return nullptr;
    f->dev = FileSystem::allocate_dev();
    f->magic = kSysfsMagic;
    f->name = "sysfs";
    auto* root = lv::make<SysDir>(*f, kRoot, -1, nullptr);
    if (!root) {
        lv::destroy(f);
        return nullptr;
    }
    f->root = lv::RefPtr<Inode>::adopt(root);
    return f;
}
} // namespace fs
