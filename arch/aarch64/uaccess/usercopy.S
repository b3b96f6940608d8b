// Copies between kernel and user memory. User memory is touched only with the
// unprivileged ldtr/sttr forms: they are checked against EL0 permissions (so the kernel
// cannot be tricked into writing a read-only user page) and are exempt from PAN, which
// therefore stays on. A fault inside one of these routines that the page-fault handler
// cannot resolve resumes at the routine's fixup label (trap/sync.cpp, the
// .uaccess_fixup table), which returns failure.

// {start, end, fixup}: any fault with start <= pc < end resumes at fixup.
.macro uaccess_range start, end, fixup
    .pushsection .uaccess_fixup, "a"
    .balign 8
    .quad   \start, \end, \fixup
    .popsection
.endm

    .text
// bool aarch64_copy_from_user(void* dst, const void* user_src, size_t n)
    .globl aarch64_copy_from_user
aarch64_copy_from_user:
1:  cmp     x2, #8
    b.lo    2f
    ldtr    x3, [x1]
    str     x3, [x0], #8
    add     x1, x1, #8
    sub     x2, x2, #8
    b       1b
2:  cbz     x2, 3f
    ldtrb   w3, [x1]
    strb    w3, [x0], #1
    add     x1, x1, #1
    sub     x2, x2, #1
    b       2b
3:  mov     w0, #1
    ret
9:  mov     w0, #0
    ret
    uaccess_range aarch64_copy_from_user, 9b, 9b

// bool aarch64_copy_to_user(void* user_dst, const void* src, size_t n)
    .globl aarch64_copy_to_user
aarch64_copy_to_user:
1:  cmp     x2, #8
    b.lo    2f
    ldr     x3, [x1], #8
    sttr    x3, [x0]
    add     x0, x0, #8
    sub     x2, x2, #8
    b       1b
2:  cbz     x2, 3f
    ldrb    w3, [x1], #1
    sttrb   w3, [x0]
    add     x0, x0, #1
    sub     x2, x2, #1
    b       2b
3:  mov     w0, #1
    ret
9:  mov     w0, #0
    ret
    uaccess_range aarch64_copy_to_user, 9b, 9b

// bool aarch64_clear_user(void* user_dst, size_t n)
    .globl aarch64_clear_user
aarch64_clear_user:
1:  cmp     x1, #8
    b.lo    2f
    sttr    xzr, [x0]
    add     x0, x0, #8
    sub     x1, x1, #8
    b       1b
2:  cbz     x1, 3f
    sttrb   wzr, [x0]
    add     x0, x0, #1
    sub     x1, x1, #1
    b       2b
3:  mov     w0, #1
    ret
9:  mov     w0, #0
    ret
    uaccess_range aarch64_clear_user, 9b, 9b

// isize aarch64_strncpy_from_user(char* dst, const char* user_src, size_t max)
// Length without the NUL; max if no NUL within max bytes; -1 on a fault.
    .globl aarch64_strncpy_from_user
aarch64_strncpy_from_user:
    mov     x4, #0
1:  cmp     x4, x2
    b.hs    2f
    ldtrb   w3, [x1]
    strb    w3, [x0, x4]
    cbz     w3, 3f
    add     x1, x1, #1
    add     x4, x4, #1
    b       1b
2:  mov     x0, x2
    ret
3:  mov     x0, x4
    ret
9:  mov     x0, #-1
    ret
    uaccess_range aarch64_strncpy_from_user, 9b, 9b
