// lib/include/lib/list.h: the intrusive list never allocates and links through members.
#include <lib/list.h>
#include <gtest/gtest.h>
#include <vector>

namespace {
struct Item {
    int v;
    lv::ListNode node;
    lv::ListNode other; // an object may sit on two lists at once
    explicit Item(int x) : v(x) {}
};
using List = lv::IntrusiveList<Item, &Item::node>;
using OtherList = lv::IntrusiveList<Item, &Item::other>;

std::vector<int> values(List& l) {
    std::vector<int> out;
    for (Item& i : l) out.push_back(i.v);
    return out;
}
} // namespace

TEST(IntrusiveList, PushAndIterate) {
    Item a(1), b(2), c(3);
    List l;
    EXPECT_TRUE(l.empty());
    EXPECT_EQ(l.first(), nullptr);
    l.push_back(b);
    l.push_back(c);
    l.push_front(a);
    EXPECT_EQ(values(l), (std::vector<int>{1, 2, 3}));
    EXPECT_EQ(l.size(), 3u);
    EXPECT_EQ(l.first(), &a);
    EXPECT_EQ(l.next(a), &b);
    EXPECT_EQ(l.next(c), nullptr);
    EXPECT_TRUE(a.node.linked());
}

TEST(IntrusiveList, RemoveAndPop) {
    Item a(1), b(2), c(3);
    List l;
    l.push_back(a);
    l.push_back(b);
    l.push_back(c);
    List::remove(b);
    EXPECT_FALSE(b.node.linked());
    EXPECT_EQ(values(l), (std::vector<int>{1, 3}));
    EXPECT_EQ(l.pop_front(), &a);
    EXPECT_EQ(l.pop_front(), &c);
    EXPECT_EQ(l.pop_front(), nullptr);
    EXPECT_TRUE(l.empty());
}

TEST(IntrusiveList, InsertBefore) {
    Item a(1), b(2), c(3);
    List l;
    l.push_back(a);
    l.push_back(c);
    l.insert_before(c, b);
    EXPECT_EQ(values(l), (std::vector<int>{1, 2, 3}));
}

TEST(IntrusiveList, RemoveWhileIterating) {
    std::vector<Item> items;
    items.reserve(10);
    List l;
    for (int i = 0; i < 10; i++) items.emplace_back(i);
    for (Item& i : items) l.push_back(i);
    for (Item& i : l)
        if (i.v % 2) List::remove(i);
    EXPECT_EQ(values(l), (std::vector<int>{0, 2, 4, 6, 8}));
}

TEST(IntrusiveList, TwoListsThroughTwoMembers) {
    Item a(1), b(2);
    List l1;
    OtherList l2;
    l1.push_back(a);
    l1.push_back(b);
    l2.push_back(b);
    l2.push_back(a);
    EXPECT_EQ(l1.first(), &a);
    EXPECT_EQ(l2.first(), &b);
    OtherList::remove(b);
    EXPECT_EQ(l2.first(), &a);
    EXPECT_EQ(l1.size(), 2u);
}
