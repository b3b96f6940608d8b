// FIXME: temporary weak stand-ins while the arch layers implement signal frames; an
// arch's real definitions override these. Delete this file once both arches have them.
// Without a frame, a caught signal kills the process (setup_signal_frame fails).
#include <arch/interface.h>

namespace arch {
__attribute__((weak)) bool setup_signal_frame(TrapFrame&, const SignalFrameRequest&) { return false; }
__attribute__((weak)) bool restore_signal_frame(TrapFrame&, u64&) { return false; }
__attribute__((weak)) void restart_syscall(TrapFrame&) {}
__attribute__((weak)) const u8* sigreturn_trampoline(size_t& size) {
    static const u8 kNothing[1] = {0};
    size = 0;
    return kNothing;
}
} // namespace arch
