// /proc/net/unix (Linux's unix_seq_show): every AF_UNIX socket, one line each, for
// netstat -x, ss -x and lsof.
#include <kernel/sync/giant.h>
#include <lib/format.h>
#include <net/unix/unix_socket.h>

namespace net::af_unix {
namespace {
constexpr u32 kSoAcceptcon = 0x10000; // __SO_ACCEPTCON: listening
// socket_state: a socket with a file is connected or not; one a connect() made and
// nobody accepted yet is still "connecting".
enum : u32 { kSsUnconnected = 1, kSsConnecting = 2, kSsConnected = 3, kSsDisconnecting = 4 };
} // namespace

void UnixSocket::proc_net_unix(lv::PutChar put, void* ctx) {
    lv::format(put, ctx, "Num       RefCount Protocol Flags    Type St Inode Path\n");
    kernel::giant::Section g;
    for (UnixSocket& s : all_sockets()) {
        if (s.m_dead) continue;
        bool established = s.m_state == State::Established;
        u32 st = s.file() ? (established ? kSsConnected : kSsUnconnected) : (established ? kSsConnecting : kSsDisconnecting);
        // The address column is %pK: zeros, as Linux shows it to those without CAP_SYSLOG.
        // A connection not yet accepted has no inode yet in Linux: 0.
        lv::format(put, ctx, "0000000000000000: %08X %08X %08X %04X %02X %5lu", s.ref_count(), 0u,
                   s.m_state == State::Listening ? kSoAcceptcon : 0u, u32(s.type), st, s.file() ? s.ino : 0);
        if (UnixAddress* a = s.m_addr.get()) {
            // A path without its NUL; an abstract name with '@' for every NUL byte.
            u32 len = a->len - 2, i = 0;
            put(ctx, ' ');
            if (a->bytes[2]) {
                len--;
            } else {
                put(ctx, '@');
                i++;
            }
            for (; i < len; i++) put(ctx, a->bytes[2 + i] ? char(a->bytes[2 + i]) : '@');
        }
        put(ctx, '\n');
    }
}
} // namespace net::af_unix
