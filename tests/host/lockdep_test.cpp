// kernel/sync/lockdep.cpp: the lock-order graph. Each test uses class names of its own
// (the graph is global, as in the kernel). panic() is made to throw here.
#include <kernel/log.h>
#include <kernel/sync/lockdep.h>
#include <gtest/gtest.h>
#include <cstdarg>
#include <cstdio>
#include <stdexcept>
#include <string>

namespace {
kernel::lockdep::HeldLocks g_held;
bool g_have_thread = true;
std::string g_stacks; // what print_stack was asked to show

struct Panic : std::runtime_error {
    using std::runtime_error::runtime_error;
};

using namespace kernel::lockdep;

void reset_thread() { g_held = HeldLocks {}; }
} // namespace

namespace kernel {
lockdep::HeldLocks* lockdep::current_held_locks() { return g_have_thread ? &g_held : nullptr; }
int capture_stack(uptr* out, int max) {
    if (max > 0) out[0] = 0x1234;
    return max > 0 ? 1 : 0;
}
void print_stack(const char* title, const uptr*, int) { g_stacks += std::string(title) + "\n"; }
void panic(const char* fmt, ...) {
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    throw Panic(buf);
}
} // namespace kernel

TEST(Lockdep, ConsistentOrderIsFine) {
    reset_thread();
    for (int i = 0; i < 3; i++) {
        acquire("ok-a");
        acquire("ok-b");
        release("ok-b");
        release("ok-a");
    }
    EXPECT_EQ(g_held.depth, 0);
}

TEST(Lockdep, InversionPanicsWithTheOtherOrdersStack) {
    reset_thread();
    acquire("inv-a");
    acquire("inv-b");
    release("inv-b");
    release("inv-a");
    g_stacks.clear();
    acquire("inv-b");
    try {
        acquire("inv-a");
        FAIL() << "no report";
    } catch (const Panic& p) {
        EXPECT_NE(std::string(p.what()).find("'inv-a' taken while holding 'inv-b'"), std::string::npos) << p.what();
    }
    EXPECT_NE(g_stacks.find("'inv-b' taken while holding 'inv-a'"), std::string::npos) << g_stacks;
}

TEST(Lockdep, InversionThroughAThirdLock) {
    reset_thread();
    acquire("tri-a");
    acquire("tri-b");
    release("tri-b");
    release("tri-a");
    acquire("tri-b");
    acquire("tri-c");
    release("tri-c");
    release("tri-b");
    // a -> b -> c is known: c then a closes the cycle, though a and c never met.
    acquire("tri-c");
    EXPECT_THROW(acquire("tri-a"), Panic);
}

TEST(Lockdep, SameClassTwice) {
    reset_thread();
    acquire("twice");
    EXPECT_THROW(acquire("twice"), Panic);
}

TEST(Lockdep, ReleaseOutOfOrder) {
    reset_thread();
    acquire("ooo-a");
    acquire("ooo-b");
    release("ooo-a"); // locks need not be released last-in first-out
    EXPECT_EQ(g_held.depth, 1);
    release("ooo-b");
    EXPECT_EQ(g_held.depth, 0);
}

TEST(Lockdep, NoThreadNoTracking) {
    reset_thread();
    g_have_thread = false;
    acquire("early");
    acquire("early"); // before the first thread: not tracked
    g_have_thread = true;
    EXPECT_EQ(g_held.depth, 0);
}
