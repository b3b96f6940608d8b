// The system as a whole: sysinfo, personality, reboot.
#pragma once
#include <lib/result.h>
#include <mm/user_ptr.h>

ErrorOr<long> sys_sysinfo(UserPtr<void> info) LV_REQUIRES_GIANT;
ErrorOr<long> sys_personality(u32 persona) LV_REQUIRES_GIANT;
ErrorOr<long> sys_reboot(u32 magic1, u32 magic2, u32 cmd, UserPtr<void> arg);

#define LV_SYSCALLS_SYSINFO(X) X(sysinfo) X(personality) X(reboot)
