// lib/include/lib/ref_ptr.h and own_ptr.h: reference counts and ownership.
#include <lib/own_ptr.h>
#include <lib/ref_ptr.h>
#include <gtest/gtest.h>

namespace {
int destroyed = 0;

struct Thing : lv::RefCounted<Thing> {
    int v;
    explicit Thing(int x) : v(x) {}
    ~Thing() { destroyed++; }
};

struct Base : lv::RefCounted<Base> {
    virtual ~Base() { destroyed++; }
};
struct Derived : Base {
    ~Derived() override { destroyed += 10; }
};
} // namespace

TEST(RefPtr, AdoptAndRelease) {
    destroyed = 0;
    {
        auto p = lv::make_ref<Thing>(5);
        ASSERT_TRUE(p);
        EXPECT_EQ(p->ref_count(), 1u);
        EXPECT_EQ(p->v, 5);
    }
    EXPECT_EQ(destroyed, 1);
}

TEST(RefPtr, CopiesShare) {
    destroyed = 0;
    lv::RefPtr<Thing> a = lv::make_ref<Thing>(1);
    {
        lv::RefPtr<Thing> b = a;
        EXPECT_EQ(a->ref_count(), 2u);
        EXPECT_TRUE(a == b);
        lv::RefPtr<Thing> c;
        c = b;
        EXPECT_EQ(a->ref_count(), 3u);
    }
    EXPECT_EQ(a->ref_count(), 1u);
    EXPECT_EQ(destroyed, 0);
    a.clear();
    EXPECT_EQ(destroyed, 1);
    EXPECT_FALSE(a);
}

TEST(RefPtr, MoveDoesNotCount) {
    destroyed = 0;
    lv::RefPtr<Thing> a = lv::make_ref<Thing>(1);
    lv::RefPtr<Thing> b = lv::move(a);
    EXPECT_FALSE(a);
    EXPECT_EQ(b->ref_count(), 1u);
    a = lv::move(b);
    EXPECT_EQ(a->ref_count(), 1u);
    EXPECT_EQ(destroyed, 0);
}

TEST(RefPtr, SelfAssignment) {
    destroyed = 0;
    lv::RefPtr<Thing> a = lv::make_ref<Thing>(1);
    lv::RefPtr<Thing>& alias = a;
    a = alias;
    EXPECT_EQ(a->ref_count(), 1u);
    EXPECT_EQ(destroyed, 0);
}

TEST(RefPtr, RawPointerTakesAReference) {
    destroyed = 0;
    lv::RefPtr<Thing> a = lv::make_ref<Thing>(1);
    Thing* raw = a.get();
    lv::RefPtr<Thing> b(raw);
    EXPECT_EQ(raw->ref_count(), 2u);
    Thing* leaked = b.leak_ref();
    EXPECT_EQ(raw->ref_count(), 2u);
    leaked->unref();
    EXPECT_EQ(raw->ref_count(), 1u);
}

TEST(RefPtr, DerivedThroughBaseUsesVirtualDestructor) {
    destroyed = 0;
    {
        lv::RefPtr<Base> p = lv::make_ref<Derived>();
        EXPECT_EQ(p->ref_count(), 1u);
    }
    EXPECT_EQ(destroyed, 11);
}

TEST(OwnPtr, OwnsAndFrees) {
    destroyed = 0;
    {
        lv::OwnPtr<Thing> p(lv::make<Thing>(3));
        EXPECT_EQ(p->v, 3);
        lv::OwnPtr<Thing> q = lv::move(p);
        EXPECT_FALSE(p);
        EXPECT_TRUE(q);
        q.reset(lv::make<Thing>(4));
        EXPECT_EQ(destroyed, 1);
        EXPECT_EQ((*q).v, 4);
    }
    EXPECT_EQ(destroyed, 2);
}

TEST(OwnPtr, LeakGivesUpOwnership) {
    destroyed = 0;
    lv::OwnPtr<Thing> p(lv::make<Thing>(3));
    Thing* raw = p.leak();
    EXPECT_FALSE(p);
    lv::destroy(raw);
    EXPECT_EQ(destroyed, 1);
}
