#include <fs/path.h>

namespace fs {
bool PathComponents::next(lv::StringView& out) {
    while (m_pos < m_path.size && m_path[m_pos] == '/') m_pos++;
    if (m_pos >= m_path.size) return false;
    size_t start = m_pos;
    while (m_pos < m_path.size && m_path[m_pos] != '/') m_pos++;
    out = m_path.substr(start, m_pos - start);
    return true;
}

bool PathComponents::at_end() const {
    for (size_t i = m_pos; i < m_path.size; i++)
        if (m_path[i] != '/') return false;
    return true;
}

bool has_trailing_slash(lv::StringView p) { return p.size > 0 && p[p.size - 1] == '/'; }

SplitPath split_last(lv::StringView p) {
    size_t end = p.size;
    while (end > 0 && p[end - 1] == '/') end--;
    if (end == 0) return {p.substr(0, p.size), {}}; // "" or "///": no last name
    size_t start = end;
    while (start > 0 && p[start - 1] != '/') start--;
    return {p.substr(0, start), p.substr(start, end - start)};
}

ErrorOr<void> check_path(lv::StringView p) {
    if (p.size == 0) return Errno::ENOENT;
    if (p.size >= kPathMax) return Errno::ENAMETOOLONG;
    PathComponents it(p);
    lv::StringView c;
    while (it.next(c))
        if (c.size > kNameMax) return Errno::ENAMETOOLONG;
    return {};
}

ErrorOr<size_t> append_component(char* buf, size_t len, size_t cap, lv::StringView name) {
    bool need_slash = !(len > 0 && buf[len - 1] == '/');
    size_t total = len + (need_slash ? 1 : 0) + name.size;
    if (total + 1 > cap) return Errno::ENAMETOOLONG;
    if (need_slash) buf[len++] = '/';
    memcpy(buf + len, name.data, name.size);
    buf[total] = 0;
    return total;
}

ErrorOr<size_t> normalize(lv::StringView p, char* out, size_t cap) {
    if (cap < 2) return Errno::ENAMETOOLONG;
    bool abs = is_absolute(p);
    size_t len = 0;
    if (abs) out[len++] = '/';
    // out[0, fixed) cannot be cancelled by "..": the root slash, or the leading "../.."
    // of a relative path.
    size_t fixed = len;
    PathComponents it(p);
    lv::StringView c;
    while (it.next(c)) {
        if (is_dot(c)) continue;
        if (is_dotdot(c) && len > fixed) {
            size_t i = len;
            while (i > fixed && out[i - 1] != '/') i--;
            len = i;
            if (len > fixed && out[len - 1] == '/') len--;
            continue;
        }
        if (is_dotdot(c) && abs) continue; // "/.." is "/"
        bool slash = len > 0 && out[len - 1] != '/';
        if (len + (slash ? 1 : 0) + c.size + 1 > cap) return Errno::ENAMETOOLONG;
        if (slash) out[len++] = '/';
        memcpy(out + len, c.data, c.size);
        len += c.size;
        if (is_dotdot(c)) fixed = len;
    }
    if (len == 0) out[len++] = '.';
    out[len] = 0;
    return len;
}
} // namespace fs
