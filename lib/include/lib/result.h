// ErrorOr<T>: a value or a Linux errno. Errors flow up with TRY(); the syscall exit
// path is the one place that turns an Errno into -errno (see syscalls/dispatch.cpp).
#pragma once
#include <abi/errno.h>
#include <lib/types.h>
#include <lib/utility.h>

struct Error {
    Errno code;
    constexpr Error(Errno e) : code(e) {}
};

template <typename T>
class [[nodiscard]] ErrorOr {
public:
    ErrorOr(T value) : m_ok(true) { new (&m_storage) T(lv::move(value)); }
    ErrorOr(Errno e) : m_ok(false), m_error(e) {}
    ErrorOr(Error e) : m_ok(false), m_error(e.code) {}
    ErrorOr(ErrorOr&& o) : m_ok(o.m_ok), m_error(o.m_error) {
        if (m_ok) new (&m_storage) T(lv::move(o.value()));
    }
    ErrorOr(const ErrorOr&) = delete;
    ErrorOr& operator=(const ErrorOr&) = delete;
    ~ErrorOr() {
        if (m_ok) value().~T();
    }

    bool is_error() const { return !m_ok; }
    Errno error() const { return m_error; }
    T& value() { return *reinterpret_cast<T*>(&m_storage); }
    const T& value() const { return *reinterpret_cast<const T*>(&m_storage); }
    T release_value() { return lv::move(value()); }

private:
    bool m_ok;
    Errno m_error {};
    alignas(T) unsigned char m_storage[sizeof(T)];
};

template <>
class [[nodiscard]] ErrorOr<void> {
public:
    ErrorOr() : m_ok(true) {}
    ErrorOr(Errno e) : m_ok(false), m_error(e) {}
    ErrorOr(Error e) : m_ok(false), m_error(e.code) {}
    bool is_error() const { return !m_ok; }
    Errno error() const { return m_error; }
    void release_value() {}

private:
    bool m_ok;
    Errno m_error {};
};

// TRY(expr): evaluate an ErrorOr; return its error from the enclosing function, or
// yield its value. A GNU statement expression, as SerenityOS does.
#define TRY(expr)                                   \
    ({                                              \
        auto _lv_result = (expr);                   \
        if (_lv_result.is_error())                  \
            return Error(_lv_result.error());       \
        _lv_result.release_value();                 \
    })
