// Pure path-string helpers: splitting into components, the trailing-slash rule, the
// last component, length limits. No inodes here (that is fs/vfs.cpp), so this is
// host-tested (tests/host/path_test.cpp).
#pragma once
#include <lib/result.h>
#include <lib/string.h>
#include <lib/types.h>

namespace fs {
constexpr size_t kPathMax = 4096; // PATH_MAX, including the terminating NUL
constexpr size_t kNameMax = 255;  // NAME_MAX

inline bool is_dot(lv::StringView s) { return s.size == 1 && s[0] == '.'; }
inline bool is_dotdot(lv::StringView s) { return s.size == 2 && s[0] == '.' && s[1] == '.'; }

// Iterates over the components of a path, skipping repeated slashes:
// "//a/./b//" gives "a", ".", "b". Nothing is normalised: "." and ".." are components
// like any other, because ".." after a symlink must be resolved on the real tree.
class PathComponents {
public:
    explicit PathComponents(lv::StringView path) : m_path(path) {}
    // The next component, or false at the end.
    bool next(lv::StringView& out);
    // True when no component follows the one last returned.
    bool at_end() const;
    // The unconsumed rest (for restarting a walk after a symlink).
    lv::StringView rest() const { return m_path.substr(m_pos); }

private:
    lv::StringView m_path;
    size_t m_pos = 0;
};

inline bool is_absolute(lv::StringView p) { return p.size > 0 && p[0] == '/'; }
// "a/b/" -> true. Linux treats a trailing slash as "must be a directory" (and follows
// a final symlink even under O_NOFOLLOW / lstat).
bool has_trailing_slash(lv::StringView p);

// Splits off the last component: "a/b/c" -> dir "a/b/", name "c"; "a/b/" -> dir "a/",
// name "b"; "/" -> dir "/", name "" ; "c" -> dir "", name "c". The returned dir keeps
// its slashes so that resolving it reaches the same parent.
struct SplitPath {
    lv::StringView dir;
    lv::StringView name;
};
SplitPath split_last(lv::StringView p);

// Linux's checks on a whole path string: empty -> ENOENT; a component longer than
// NAME_MAX -> ENAMETOOLONG; kPathMax-1 bytes or more -> ENAMETOOLONG.
ErrorOr<void> check_path(lv::StringView p);

// Lexical normalisation into out[cap] (for messages and /proc, never for resolution:
// it ignores symlinks). "/a/./b/../c/" -> "/a/c"; "" or "." -> "."; keeps leading "..".
// Returns the length, ENAMETOOLONG if it does not fit.
ErrorOr<size_t> normalize(lv::StringView p, char* out, size_t cap);

// Appends "/name" to a path buffer holding `len` bytes ("/" + "x" -> "/x").
// ENAMETOOLONG if the result (with NUL) does not fit in cap.
ErrorOr<size_t> append_component(char* buf, size_t len, size_t cap, lv::StringView name);
} // namespace fs
