// Constants shared between the x86_64 assembly and C++: TrapFrame offsets, segment
// selectors, per-CPU offsets. Only #defines, so that .S files can include it;
// frame.h and percpu.h static_assert that the structs agree.
#pragma once

// arch::TrapFrame: 15 GPRs (r15 first, rax last), vector, error code, then the frame
// the CPU pushes on an interrupt (rip, cs, rflags, rsp, ss).
#define TF_R15 0
#define TF_RBP 64
#define TF_RCX 96
#define TF_RAX 112
#define TF_VECTOR 120
#define TF_ERROR 128
#define TF_RIP 136
#define TF_CS 144
#define TF_RFLAGS 152
#define TF_RSP 160
#define TF_SS 168
#define TF_SIZE 176

// Linux's GDT layout (arch/x86/include/asm/segment.h), so that user-visible selector
// values (sigcontext cs/ss) match: SYSRET derives user CS/SS from STAR[63:48] = 0x23.
#define SEL_KERNEL_CS 0x10
#define SEL_KERNEL_DS 0x18
#define SEL_USER32_CS 0x23
#define SEL_USER_DS 0x2b
#define SEL_USER_CS 0x33
#define SEL_TSS 0x40

// Vector number stored in TrapFrame::vector for SYSCALL entries (outside 0..255).
#define SYSCALL_VECTOR 0x100

// arch::x86::PerCpu, reached through %gs in kernel mode.
#define PERCPU_SELF 0
#define PERCPU_KERNEL_RSP 8
#define PERCPU_USER_RSP 16
#define PERCPU_KERNEL_CPU 32
