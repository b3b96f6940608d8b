// ESR_EL1 decoding (Arm ARM D17.2.37): exception class and abort status codes.
#pragma once
#include <lib/types.h>

namespace arch::esr {
enum Class : u32 {
    kUnknown = 0x00, kWfx = 0x01, kFpAccess = 0x07, kIllegalState = 0x0e, kSvc64 = 0x15,
    kSysReg = 0x18, kSve = 0x19, kPacFail = 0x1c, kIabtLower = 0x20, kIabtCurrent = 0x21,
    kPcAlign = 0x22, kDabtLower = 0x24, kDabtCurrent = 0x25, kSpAlign = 0x26, kFpExc64 = 0x2c,
    kSError = 0x2f, kBreakpointLower = 0x30, kSoftStepLower = 0x32, kWatchpointLower = 0x34,
    kBrk64 = 0x3c,
};
inline u32 ec(u64 esr) { return u32(esr >> 26) & 0x3f; }
inline u32 iss(u64 esr) { return u32(esr & 0x1ffffff); }

// Abort ISS: fault status code (DFSC/IFSC), write-not-read, FAR-not-valid.
inline u32 fsc(u64 esr) { return u32(esr & 0x3f); }
inline bool is_write(u64 esr) { return (esr >> 6) & 1; }
inline bool is_cache_maint(u64 esr) { return (esr >> 8) & 1; }
inline bool far_not_valid(u64 esr) { return (esr >> 10) & 1; }
inline bool is_translation_fault(u32 fsc) { return (fsc & 0x3c) == 0x04; } // levels 0-3
inline bool is_access_flag_fault(u32 fsc) { return (fsc & 0x3c) == 0x08; }
inline bool is_permission_fault(u32 fsc) { return (fsc & 0x3c) == 0x0c; }
inline bool is_alignment_fault(u32 fsc) { return fsc == 0x21; }
const char* class_name(u32 ec);
} // namespace arch::esr
