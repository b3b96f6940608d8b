// The console tty: /dev/console (5,1), /dev/tty (5,0) and fds 0-2 of the first
// process. Output goes to kernel::console on the channel of the open file (stdout or
// stderr). Input comes from kernel::console::read:
//  - raw (interactive) serial: a small line discipline — ICANON editing (erase, kill,
//    word erase, ^D), ECHO, ICRNL, OPOST/ONLCR, ISIG (^C/^\/^Z to the foreground group);
//  - multiplexed (./levitate exec): the host's byte stream as is, EOF when it ends.
// Termios state is kept either way, so TCGETS/TCSETS behave as on a real tty.
// ISIG characters are handled when read, and at interrupt time if the console's receive
// path calls fs::console_signal_char() (fs/kernel_api.h).
#include <fs/dev/devices.h>
#include <fs/file.h>
#include <fs/kernel_api.h>
#include <kernel/console.h>
#include <kernel/process.h>
#include <kernel/signal.h>
#include <mm/user_ptr.h>

namespace fs {
namespace {
// struct termios as the kernel passes it (asm-generic/termbits.h; x86_64 and aarch64 agree).
struct KTermios {
    u32 iflag, oflag, cflag, lflag;
    u8 line;
    u8 cc[19];
};
static_assert(sizeof(KTermios) == 36);
struct Winsize {
    u16 row, col, xpixel, ypixel;
};

enum : u32 { kIgnCr = 0200, kIcrnl = 0400, kInlcr = 0100, kIxon = 02000 };
enum : u32 { kOpost = 1, kOnlcr = 4 };
enum : u32 { kB38400 = 017, kCs8 = 060, kCread = 0200, kHupcl = 02000 };
enum : u32 {
    kIsig = 1, kIcanon = 2, kEcho = 010, kEchoE = 020, kEchoK = 040, kEchoNl = 0100,
    kEchoCtl = 01000, kEchoKe = 04000, kIexten = 0100000,
};
enum { kVintr = 0, kVquit = 1, kVerase = 2, kVkill = 3, kVeof = 4, kVtime = 5, kVmin = 6, kVstart = 8,
       kVstop = 9, kVsusp = 10, kVeol = 11, kVreprint = 12, kVdiscard = 13, kVwerase = 14, kVlnext = 15 };

// ioctl requests (asm-generic/ioctls.h, shared by both architectures).
enum : u32 {
    kTcgets = 0x5401, kTcsets = 0x5402, kTcsetsw = 0x5403, kTcsetsf = 0x5404, kTcsbrk = 0x5409,
    kTcxonc = 0x540A, kTcflsh = 0x540B, kTiocsctty = 0x540E, kTiocgpgrp = 0x540F, kTiocspgrp = 0x5410,
    kTiocoutq = 0x5411, kTiocgwinsz = 0x5413, kTiocswinsz = 0x5414, kFionread = 0x541B,
    kTiocnotty = 0x5422, kTiocgetd = 0x5424, kTcsbrkp = 0x5425, kTiocgsid = 0x5429,
    kTiocgptn = 0x80045430,
};

constexpr size_t kLineMax = 4096; // N_TTY_BUF_SIZE

// The console's signal characters as the interrupt handler sees them, without locks
// (console_may_signal): VINTR, VQUIT and VSUSP in bytes 0-2, bit 24 set under ISIG.
// Published by every change of the termios.
u32 g_isig_chars = 0;

void signal_group(int pgid, int sig) LV_REQUIRES_GIANT {
    if (pgid <= 0) return;
    kernel::for_each_process([&](kernel::Process& p) LV_REQUIRES_GIANT {
        if (p.pgid() == pgid) kernel::send_signal(p, sig);
    });
}

class ConsoleTty final : public FileOps {
public:
    ConsoleTty() { reset_termios(); }

    ErrorOr<size_t> read(File& f, u64, const IoBuffer& buf, size_t n) override;
    ErrorOr<size_t> write(File& f, u64, const IoBuffer& buf, size_t n) override;
    ErrorOr<long> ioctl(File& f, u32 request, u64 arg) LV_REQUIRES_GIANT override;
    bool seekable() const override { return false; }
    bool is_tty() const override { return true; }
    u32 poll(File&, u32 events) override {
        u32 ready = events & (kPollOut | kPollWrNorm);
        // At the end of the host's input a read returns 0 at once: that is readable too.
        if (m_ready_len > m_ready_pos || m_eof_pending || kernel::console::available() ||
            kernel::console::input_ended())
            ready |= events & (kPollIn | kPollRdNorm);
        return ready;
    }
    kernel::WaitQueue* wait_queue(File&) override { return &kernel::console::input_wait(); }
    ErrorOr<size_t> bytes_available(File&) override { return (m_ready_len - m_ready_pos) + kernel::console::available(); }

    // A signal character (ISIG) the interrupt handler passed on (console_may_signal), in
    // the work thread: signal now, drop the byte.
    bool signal_char(u8 c) LV_REQUIRES_GIANT {
        if (kernel::console::multiplexed() || !(m_termios.lflag & kIsig) || !c) return false;
        const u8* cc = m_termios.cc;
        int sig = c == cc[kVintr] ? kernel::SIGINT : c == cc[kVquit] ? kernel::SIGQUIT
                : c == cc[kVsusp] ? kernel::SIGTSTP : 0;
        // Without a foreground group, leave it to the reader (see input()).
        int fg = kernel::console::foreground_pgid();
        if (!sig || !fg) return false;
        echo_char(c);
        echo("\n", 1);
        m_line_len = 0; // the line being typed is discarded, as n_tty does
        signal_group(fg, sig);
        return true;
    }

private:
    void reset_termios();
    void publish_isig(); // g_isig_chars
    bool canonical() const { return m_termios.lflag & kIcanon; }
    void output(u32 channel, const char* s, size_t n);
    void echo(const char* s, size_t n) {
        if (m_termios.lflag & kEcho) output(kTtyChannelStdout, s, n);
    }
    void echo_char(u8 c);
    void erase_one();
    void commit_line();
    // Runs one input byte through the line discipline; appends to `raw_out` in
    // non-canonical mode. Returns false if the byte was a signal character.
    bool input(u8 c, char* raw_out, size_t& raw_len) LV_REQUIRES_GIANT;
    void flush_input();

    KTermios m_termios;
    Winsize m_winsize {24, 80, 0, 0};
    char m_line[kLineMax]; // the line being edited
    size_t m_line_len = 0;
    char m_ready[kLineMax + 1]; // completed input not yet read
    size_t m_ready_len = 0, m_ready_pos = 0;
    bool m_eof_pending = false; // ^D on an empty line: the next read returns 0
};

void ConsoleTty::reset_termios() {
    m_termios = {};
    m_termios.iflag = kIcrnl | kIxon;
    m_termios.oflag = kOpost | kOnlcr;
    m_termios.cflag = kB38400 | kCs8 | kCread | kHupcl;
    m_termios.lflag = kIsig | kIcanon | kEcho | kEchoE | kEchoK | kEchoCtl | kEchoKe | kIexten;
    const u8 cc[] = {3, 034, 0177, 025, 4, 0, 1, 0, 021, 023, 032, 0, 022, 017, 027, 026, 0};
    memcpy(m_termios.cc, cc, sizeof cc);
    publish_isig();
}

void ConsoleTty::publish_isig() {
    const u8* cc = m_termios.cc;
    u32 v = (m_termios.lflag & kIsig) ? 1u << 24 | u32(cc[kVintr]) | u32(cc[kVquit]) << 8 | u32(cc[kVsusp]) << 16 : 0;
    __atomic_store_n(&g_isig_chars, v, __ATOMIC_RELAXED);
}

void ConsoleTty::output(u32 channel, const char* s, size_t n) {
    auto ch = channel == kTtyChannelStderr ? kernel::console::kStderr : kernel::console::kStdout;
    bool onlcr = !kernel::console::multiplexed() && (m_termios.oflag & kOpost) && (m_termios.oflag & kOnlcr);
    if (!onlcr) {
        kernel::console::write(ch, s, n);
        return;
    }
    char out[512];
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (o + 2 > sizeof out) {
            kernel::console::write(ch, out, o);
            o = 0;
        }
        if (s[i] == '\n') out[o++] = '\r';
        out[o++] = s[i];
    }
    if (o) kernel::console::write(ch, out, o);
}

void ConsoleTty::echo_char(u8 c) {
    // ECHOCTL shows control characters as ^X (but not tab and newline).
    if ((m_termios.lflag & kEchoCtl) && c < 32 && c != '\n' && c != '\t') {
        char s[2] = {'^', char(c + 64)};
        echo(s, 2);
    } else {
        echo(reinterpret_cast<const char*>(&c), 1);
    }
}

void ConsoleTty::erase_one() {
    if (!m_line_len) return;
    u8 c = u8(m_line[--m_line_len]);
    bool wide = (m_termios.lflag & kEchoCtl) && c < 32 && c != '\t';
    if (m_termios.lflag & kEchoE) echo(wide ? "\b\b  \b\b" : "\b \b", wide ? 6 : 3);
}

void ConsoleTty::commit_line() {
    size_t room = sizeof m_ready - m_ready_len;
    size_t n = min(room, m_line_len);
    memcpy(m_ready + m_ready_len, m_line, n);
    m_ready_len += n;
    m_line_len = 0;
}

void ConsoleTty::flush_input() {
    m_line_len = m_ready_len = m_ready_pos = 0;
    m_eof_pending = false;
    u8 junk[64];
    while (kernel::console::read(junk, sizeof junk, true) > 0) {}
}

bool ConsoleTty::input(u8 c, char* raw_out, size_t& raw_len) {
    const u8* cc = m_termios.cc;
    if (c == '\r') {
        if (m_termios.iflag & kIgnCr) return true;
        if (m_termios.iflag & kIcrnl) c = '\n';
    } else if (c == '\n' && (m_termios.iflag & kInlcr)) {
        c = '\r';
    }
    if (m_termios.lflag & kIsig) {
        int sig = c == cc[kVintr] ? kernel::SIGINT : c == cc[kVquit] ? kernel::SIGQUIT
                : c == cc[kVsusp] ? kernel::SIGTSTP : 0;
        if (sig && c) {
            echo_char(c);
            echo("\n", 1);
            m_line_len = 0;
            // Without a foreground group (no shell set one), the reader's own group is
            // the one at the keyboard.
            int fg = kernel::console::foreground_pgid();
            signal_group(fg ? fg : kernel::current_process().pgid(), sig);
            return false;
        }
    }
    if (!canonical()) {
        raw_out[raw_len++] = char(c);
        if (c == '\n' && !(m_termios.lflag & kEcho) && (m_termios.lflag & kEchoNl)) output(kTtyChannelStdout, "\n", 1);
        else echo_char(c);
        return true;
    }
    if (c == cc[kVerase] || c == '\b') {
        erase_one();
    } else if (c == cc[kVkill]) {
        while (m_line_len) erase_one();
    } else if (c == cc[kVwerase] && (m_termios.lflag & kIexten)) {
        while (m_line_len && m_line[m_line_len - 1] == ' ') erase_one();
        while (m_line_len && m_line[m_line_len - 1] != ' ') erase_one();
    } else if (c == cc[kVeof] && c) {
        if (m_line_len == 0 && m_ready_len == m_ready_pos) m_eof_pending = true;
        commit_line();
    } else {
        // Keep room for the newline that ends an over-long line.
        if (m_line_len < kLineMax - 1 || c == '\n') m_line[m_line_len++] = char(c);
        if (c == '\n' && !(m_termios.lflag & kEcho) && (m_termios.lflag & kEchoNl)) output(kTtyChannelStdout, "\n", 1);
        else echo_char(c);
        if (c == '\n' || (c == cc[kVeol] && c)) commit_line();
    }
    return true;
}

ErrorOr<size_t> ConsoleTty::read(File& f, u64, const IoBuffer& buf, size_t n) {
    kernel::giant::assert_held(); // read(2) holds it: the console is not giant-free
    if (n == 0) return 0;
    bool mux = kernel::console::multiplexed();
    for (;;) {
        if (m_ready_pos < m_ready_len) {
            // A canonical read returns at most one line.
            size_t avail = m_ready_len - m_ready_pos, take = 0;
            while (take < min(avail, n)) {
                take++;
                if (canonical() && m_ready[m_ready_pos + take - 1] == '\n') break;
            }
            TRY(buf.write(0, m_ready + m_ready_pos, take));
            m_ready_pos += take;
            if (m_ready_pos == m_ready_len) m_ready_pos = m_ready_len = 0;
            return take;
        }
        if (m_eof_pending) {
            m_eof_pending = false;
            return 0;
        }
        bool vmin_zero = !mux && !canonical() && m_termios.cc[kVmin] == 0;
        u8 raw[256];
        size_t want = mux || !canonical() ? min(n, sizeof raw) : sizeof raw;
        isize got = kernel::console::read(raw, want, f.nonblocking() || vmin_zero);
        if (got == -isize(Errno::EAGAIN) && vmin_zero) return 0;
        if (got < 0) return Errno(-got);
        if (got == 0) return 0; // end of the host's input
        if (mux) {
            TRY(buf.write(0, raw, size_t(got)));
            return size_t(got);
        }
        char out[256];
        size_t out_len = 0;
        for (isize i = 0; i < got; i++) input(raw[i], out, out_len);
        if (out_len) {
            TRY(buf.write(0, out, out_len));
            return out_len;
        }
    }
}

ErrorOr<size_t> ConsoleTty::write(File& f, u64, const IoBuffer& buf, size_t n) {
    char chunk[256];
    size_t done = 0;
    while (done < n) {
        size_t c = min(n - done, sizeof chunk);
        auto r = buf.read(done, chunk, c);
        if (r.is_error()) return done ? ErrorOr<size_t>(done) : r.error();
        output(f.private_data ? f.private_data : kTtyChannelStdout, chunk, c);
        done += c;
    }
    return done;
}

ErrorOr<long> ConsoleTty::ioctl(File& f, u32 request, u64 arg) {
    kernel::Process& self = kernel::current_process();
    switch (request) {
    case kTcgets:
        TRY(UserPtr<KTermios>(arg).write(m_termios));
        return 0;
    case kTcsets:
    case kTcsetsw:
    case kTcsetsf: {
        KTermios t = TRY(UserPtr<KTermios>(arg).read());
        if (request == kTcsetsf) flush_input();
        // Leaving canonical mode hands over what was typed so far.
        if ((m_termios.lflag & kIcanon) && !(t.lflag & kIcanon)) commit_line();
        m_termios = t;
        publish_isig();
        return 0;
    }
    case kTiocgwinsz:
        TRY(UserPtr<Winsize>(arg).write(m_winsize));
        return 0;
    case kTiocswinsz: {
        Winsize w = TRY(UserPtr<Winsize>(arg).read());
        bool changed = w.row != m_winsize.row || w.col != m_winsize.col;
        m_winsize = w;
        if (changed) signal_group(kernel::console::foreground_pgid(), kernel::SIGWINCH);
        return 0;
    }
    case kTiocgpgrp: {
        int pg = kernel::console::foreground_pgid();
        TRY(UserPtr<int>(arg).write(pg ? pg : self.pgid()));
        return 0;
    }
    case kTiocspgrp: {
        int pg = TRY(UserPtr<int>(arg).read());
        if (pg < 0) return Errno::EINVAL;
        kernel::console::set_foreground_pgid(pg);
        return 0;
    }
    case kTiocgsid:
        TRY(UserPtr<int>(arg).write(self.sid()));
        return 0;
    case kTiocsctty:
        if (!kernel::console::foreground_pgid()) kernel::console::set_foreground_pgid(self.pgid());
        return 0;
    case kTiocnotty:
    case kTcsbrk:
    case kTcsbrkp:
    case kTcxonc:
        return 0; // output is never held back here
    case kTcflsh:
        if (arg > 2) return Errno::EINVAL;
        if (arg != 1) flush_input(); // TCIFLUSH or TCIOFLUSH
        return 0;
    case kTiocoutq:
        TRY(UserPtr<int>(arg).write(0));
        return 0;
    case kTiocgetd:
        TRY(UserPtr<int>(arg).write(0)); // N_TTY
        return 0;
    case kFionread: {
        size_t n = TRY(bytes_available(f));
        TRY(UserPtr<int>(arg).write(int(n)));
        return 0;
    }
    case kTiocgptn:
    default:
        return Errno::ENOTTY;
    }
}

ConsoleTty g_console;
} // namespace

FileOps& console_tty() { return g_console; }

bool console_signal_char(u8 c) { return g_console.signal_char(c); }

bool console_may_signal(u8 c) {
    u32 v = __atomic_load_n(&g_isig_chars, __ATOMIC_RELAXED);
    if (!(v & 1u << 24) || !c || kernel::console::multiplexed()) return false;
    bool sig = c == (v & 0xff) || c == ((v >> 8) & 0xff) || c == ((v >> 16) & 0xff);
    return sig && kernel::console::foreground_pgid_relaxed();
}

void register_tty_devices() {
    register_char_device(make_dev(5, 0), g_console); // /dev/tty: the controlling tty is the console
    register_char_device(make_dev(5, 1), g_console);
}
} // namespace fs
