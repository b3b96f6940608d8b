// kernel/cred.cpp: the uid/gid change rules of credentials(7) and kill's permission rule.
#include <kernel/cred.h>
#include <kernel/process.h>
#include <errno.h> // host errno values: the same numbers as Linux's
#include <gtest/gtest.h>

using namespace kernel;

namespace {
Credentials ids(u32 r, u32 e, u32 s) {
    Credentials c;
    c.uid = r, c.euid = e, c.suid = s, c.fsuid = e;
    return c;
}
void expect_uids(const Credentials& c, u32 r, u32 e, u32 s, u32 fs) {
    EXPECT_EQ(c.uid, r);
    EXPECT_EQ(c.euid, e);
    EXPECT_EQ(c.suid, s);
    EXPECT_EQ(c.fsuid, fs);
}
} // namespace

TEST(Cred, RootSetuidSetsAll) {
    Credentials c = ids(0, 0, 0);
    ASSERT_FALSE(set_uid(c, 1000).is_error());
    expect_uids(c, 1000, 1000, 1000, 1000);
    EXPECT_EQ(set_uid(c, 0).error(), Errno(EPERM));
    EXPECT_EQ(set_uid(c, kNoId).error(), Errno(EINVAL));
}

TEST(Cred, UnprivilegedSetuidSetsEffectiveOnly) {
    Credentials c = ids(1000, 2000, 3000);
    ASSERT_FALSE(set_uid(c, 3000).is_error()); // the saved uid
    expect_uids(c, 1000, 3000, 3000, 3000);
    ASSERT_FALSE(set_uid(c, 1000).is_error()); // the real uid
    expect_uids(c, 1000, 1000, 3000, 1000);
    EXPECT_EQ(set_uid(c, 2000).error(), Errno(EPERM));
    expect_uids(c, 1000, 1000, 3000, 1000); // unchanged on error
}

TEST(Cred, SavedRootComesBack) {
    Credentials c = ids(0, 0, 0);
    ASSERT_FALSE(set_resuid(c, kNoId, 1000, kNoId).is_error());
    EXPECT_FALSE(capable(c));
    ASSERT_FALSE(set_resuid(c, kNoId, 0, kNoId).is_error());
    EXPECT_TRUE(capable(c));
}

TEST(Cred, SetreuidSavedFollowsEffective) {
    Credentials c = ids(0, 0, 0);
    ASSERT_FALSE(set_reuid(c, 1000, 1001).is_error());
    expect_uids(c, 1000, 1001, 1001, 1001);
    ASSERT_FALSE(set_reuid(c, kNoId, 1000).is_error()); // euid = old real uid: saved stays
    expect_uids(c, 1000, 1000, 1001, 1000);
    EXPECT_EQ(set_reuid(c, 1001, kNoId).error(), Errno(EPERM)); // real may become real or effective only
    ASSERT_FALSE(set_reuid(c, kNoId, 1001).is_error());         // effective may become the saved uid
    expect_uids(c, 1000, 1001, 1001, 1001);
}

TEST(Cred, SetresuidUnprivilegedPermutes) {
    Credentials c = ids(1, 2, 3);
    ASSERT_FALSE(set_resuid(c, 3, 1, 2).is_error());
    expect_uids(c, 3, 1, 2, 1);
    EXPECT_EQ(set_resuid(c, 4, kNoId, kNoId).error(), Errno(EPERM));
}

TEST(Cred, FsuidReturnsOldAndChangesOnlyWhenAllowed) {
    Credentials c = ids(1, 2, 3);
    EXPECT_EQ(set_fsuid(c, 99), 2u);
    EXPECT_EQ(c.fsuid, 2u);
    EXPECT_EQ(set_fsuid(c, 3), 2u);
    EXPECT_EQ(c.fsuid, 3u);
    EXPECT_EQ(set_fsuid(c, kNoId), 3u);
}

TEST(Cred, GidCallsNeedEuidZero) {
    Credentials c = ids(0, 1000, 0); // egid 0 does not help: CAP_SETGID follows euid
    c.gid = c.egid = c.sgid = 5;
    EXPECT_EQ(set_gid(c, 6).error(), Errno(EPERM));
    ASSERT_FALSE(set_regid(c, kNoId, 5).is_error());
    c.euid = 0;
    ASSERT_FALSE(set_gid(c, 6).is_error());
    EXPECT_EQ(c.gid, 6u);
    EXPECT_EQ(c.fsgid, 6u);
}

TEST(Cred, GroupListsAreSortedAndSearchable) {
    u32 in[] = {50, 3, 7, 3, 1000000};
    auto r = make_group_list(in, 5);
    ASSERT_FALSE(r.is_error());
    auto list = r.release_value();
    u32 want[] = {3, 3, 7, 50, 1000000};
    for (int i = 0; i < 5; i++) EXPECT_EQ(list->gids[i], want[i]);
    EXPECT_TRUE(list->contains(7));
    EXPECT_FALSE(list->contains(8));
    u32 bad[] = {1, kNoId};
    EXPECT_EQ(make_group_list(bad, 2).error(), Errno(EINVAL));
}

TEST(Cred, KillPermission) {
    Credentials root = ids(0, 0, 0), a = ids(1000, 1000, 1000), b = ids(2000, 2000, 1000);
    Credentials effective_only = ids(3000, 1000, 3000);
    EXPECT_TRUE(may_signal(root, a));
    EXPECT_TRUE(may_signal(a, b));   // b's saved uid
    EXPECT_FALSE(may_signal(a, effective_only)); // the target's euid does not count
    EXPECT_FALSE(may_signal(a, root));
    EXPECT_TRUE(may_signal(effective_only, a)); // the sender's euid counts
}
