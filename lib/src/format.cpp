#include <lib/format.h>
#include <lib/string.h>

namespace lv {
namespace {
struct Spec {
    bool left = false, zero = false, alt = false;
    int width = 0, precision = -1;
};

size_t emit(PutChar put, void* ctx, const char* s, size_t n, const Spec& sp) {
    size_t pad = sp.width > int(n) ? size_t(sp.width) - n : 0;
    if (!sp.left) for (size_t i = 0; i < pad; i++) put(ctx, sp.zero ? '0' : ' ');
    for (size_t i = 0; i < n; i++) put(ctx, s[i]);
    if (sp.left) for (size_t i = 0; i < pad; i++) put(ctx, ' ');
    return n + pad;
}

size_t emit_number(PutChar put, void* ctx, u64 v, bool neg, unsigned base, bool upper, Spec sp) {
    char buf[24];
    size_t n = 0;
    const char* digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    do { buf[n++] = digits[v % base]; v /= base; } while (v);
    char out[26];
    size_t o = 0, extra = 0;
    if (neg) {
        // With zero padding the sign goes before the zeros: "-0042".
        if (sp.zero && sp.width > 0) { put(ctx, '-'); sp.width--; extra = 1; }
        else out[o++] = '-';
    }
    while (n) out[o++] = buf[--n];
    return emit(put, ctx, out, o, sp) + extra;
}
} // namespace

size_t vformat(PutChar put, void* ctx, const char* fmt, va_list ap) {
    size_t count = 0;
    for (const char* p = fmt; *p; p++) {
        if (*p != '%') { put(ctx, *p); count++; continue; }
        p++;
        Spec sp;
        for (;; p++) {
            if (*p == '-') sp.left = true;
            else if (*p == '0') sp.zero = true;
            else if (*p == '#') sp.alt = true;
            else break;
        }
        if (*p == '*') { sp.width = va_arg(ap, int); p++; }
        while (*p >= '0' && *p <= '9') sp.width = sp.width * 10 + (*p++ - '0');
        if (*p == '.') {
            p++; sp.precision = 0;
            if (*p == '*') { sp.precision = va_arg(ap, int); p++; }
            while (*p >= '0' && *p <= '9') sp.precision = sp.precision * 10 + (*p++ - '0');
        }
        int longs = 0;
        while (*p == 'l' || *p == 'z') { longs += (*p == 'z') ? 2 : 1; p++; }
        switch (*p) {
        case 'd': case 'i': {
            i64 v = longs ? va_arg(ap, i64) : va_arg(ap, int);
            u64 mag = v < 0 ? u64(0) - u64(v) : u64(v);
            count += emit_number(put, ctx, mag, v < 0, 10, false, sp);
            break;
        }
        case 'u': case 'x': case 'X': case 'o': {
            u64 v = longs ? va_arg(ap, u64) : va_arg(ap, unsigned);
            unsigned base = *p == 'u' ? 10 : *p == 'o' ? 8 : 16;
            if (sp.alt && base == 16) { put(ctx, '0'); put(ctx, *p == 'X' ? 'X' : 'x'); count += 2; }
            count += emit_number(put, ctx, v, false, base, *p == 'X', sp);
            break;
        }
        case 'p': {
            u64 v = reinterpret_cast<uptr>(va_arg(ap, void*));
            put(ctx, '0'); put(ctx, 'x'); count += 2;
            Spec ps; ps.zero = true; ps.width = 16;
            count += emit_number(put, ctx, v, false, 16, false, ps);
            break;
        }
        case 's': {
            const char* s = va_arg(ap, const char*);
            if (!s) s = "(null)";
            size_t n = sp.precision >= 0 ? strnlen(s, size_t(sp.precision)) : strlen(s);
            sp.zero = false;
            count += emit(put, ctx, s, n, sp);
            break;
        }
        case 'c': { char c = char(va_arg(ap, int)); count += emit(put, ctx, &c, 1, sp); break; }
        case '%': put(ctx, '%'); count++; break;
        case '\0': return count;
        default: put(ctx, '%'); put(ctx, *p); count += 2; break;
        }
    }
    return count;
}

size_t format(PutChar put, void* ctx, const char* fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    size_t n = vformat(put, ctx, fmt, ap);
    va_end(ap);
    return n;
}

namespace {
struct BufSink { char* buf; size_t size; size_t pos; };
void buf_put(void* ctx, char c) {
    auto* s = static_cast<BufSink*>(ctx);
    if (s->pos + 1 < s->size) s->buf[s->pos] = c;
    s->pos++;
}
} // namespace

size_t vsnprintf(char* buf, size_t size, const char* fmt, va_list ap) {
    BufSink s {buf, size, 0};
    vformat(buf_put, &s, fmt, ap);
    if (size) buf[s.pos < size ? s.pos : size - 1] = '\0';
    return s.pos;
}

size_t snprintf(char* buf, size_t size, const char* fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    size_t n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
} // namespace lv
