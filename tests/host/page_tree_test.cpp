// fs/page_tree.cpp: the sparse page array behind ramfs files.
#include <fs/page_tree.h>
#include <gtest/gtest.h>

TEST(PageTree, HolesAndGrowth) {
    fs::PageTree t;
    EXPECT_EQ(t.get(0), nullptr);
    auto p = t.get_or_alloc(0);
    ASSERT_FALSE(p.is_error());
    EXPECT_EQ(p.value()[100], 0);
    p.value()[0] = 42;
    // Far indexes grow the tree; the first page stays where it was.
    auto q = t.get_or_alloc(512ull * 512 * 3 + 7);
    ASSERT_FALSE(q.is_error());
    EXPECT_EQ(t.get(0)[0], 42);
    EXPECT_EQ(t.get(512ull * 512 * 3 + 7), q.value());
    EXPECT_EQ(t.get(1), nullptr);
    EXPECT_EQ(t.page_count(), 2u);
}

TEST(PageTree, TruncateFreesTail) {
    fs::PageTree t;
    for (u64 i = 0; i < 1500; i += 3) ASSERT_FALSE(t.get_or_alloc(i).is_error());
    EXPECT_EQ(t.page_count(), 500u);
    t.truncate(600);
    EXPECT_EQ(t.page_count(), 200u);
    EXPECT_NE(t.get(597), nullptr);
    EXPECT_EQ(t.get(600), nullptr);
    EXPECT_EQ(t.get(1497), nullptr);
    t.truncate(0);
    EXPECT_EQ(t.page_count(), 0u);
    EXPECT_EQ(t.get(0), nullptr);
    ASSERT_FALSE(t.get_or_alloc(5).is_error()); // usable again after emptying
}

TEST(PageTree, NextPresent) {
    fs::PageTree t;
    u64 out;
    EXPECT_FALSE(t.next_present(0, out));
    ASSERT_FALSE(t.get_or_alloc(700).is_error());
    ASSERT_FALSE(t.get_or_alloc(300000).is_error());
    ASSERT_TRUE(t.next_present(0, out));
    EXPECT_EQ(out, 700u);
    ASSERT_TRUE(t.next_present(700, out));
    EXPECT_EQ(out, 700u);
    ASSERT_TRUE(t.next_present(701, out));
    EXPECT_EQ(out, 300000u);
    EXPECT_FALSE(t.next_present(300001, out));
}

TEST(PageTree, LimitIsEfbig) {
    fs::PageTree t;
    EXPECT_EQ(t.get_or_alloc(fs::PageTree::kMaxPages).error(), Errno(EFBIG));
    EXPECT_FALSE(t.get_or_alloc(fs::PageTree::kMaxPages - 1).is_error());
    EXPECT_EQ(t.page_count(), 1u);
}
