// Intrusive doubly linked list. An object joins a list through a ListNode member;
// IntrusiveList<T, &T::node> never allocates.
#pragma once
#include <lib/types.h>

namespace lv {
struct ListNode {
    ListNode* prev = nullptr;
    ListNode* next = nullptr;
    bool linked() const { return next != nullptr; }
};

template <typename T, ListNode T::*Member>
class IntrusiveList {
public:
    IntrusiveList() { m_head.prev = m_head.next = &m_head; }
    IntrusiveList(const IntrusiveList&) = delete;
    IntrusiveList& operator=(const IntrusiveList&) = delete;

    bool empty() const { return m_head.next == &m_head; }
    void push_back(T& v) { insert_before(&m_head, node(v)); }
    void push_front(T& v) { insert_before(m_head.next, node(v)); }
    void insert_before(T& pos, T& v) { insert_before(node(pos), node(v)); }
    static void remove(T& v) {
        ListNode* n = node(v);
        n->prev->next = n->next;
        n->next->prev = n->prev;
        n->prev = n->next = nullptr;
    }
    T* first() const { return empty() ? nullptr : owner(m_head.next); }
    T* pop_front() { T* v = first(); if (v) remove(*v); return v; }
    T* next(T& v) const { ListNode* n = node(v)->next; return n == &m_head ? nullptr : owner(n); }
    T* prev(T& v) const { ListNode* p = node(v)->prev; return p == &m_head ? nullptr : owner(p); }
    size_t size() const { size_t c = 0; for (ListNode* n = m_head.next; n != &m_head; n = n->next) c++; return c; }

    struct Iterator {
        ListNode* n;
        ListNode* next; // saved so the current element may be removed while iterating
        T& operator*() const { return *owner(n); }
        Iterator& operator++() { n = next; next = n->next; return *this; }
        bool operator!=(const Iterator& o) const { return n != o.n; }
    };
    Iterator begin() { return {m_head.next, m_head.next->next}; }
    Iterator end() { return {&m_head, nullptr}; }

private:
    static ListNode* node(T& v) { return &(v.*Member); }
    static T* owner(ListNode* n) {
        // offsetof for a member pointer: the node's offset inside T.
        auto off = reinterpret_cast<uptr>(&(reinterpret_cast<T*>(0)->*Member));
        return reinterpret_cast<T*>(reinterpret_cast<uptr>(n) - off);
    }
    static void insert_before(ListNode* pos, ListNode* n) {
        n->next = pos;
        n->prev = pos->prev;
        pos->prev->next = n;
        pos->prev = n;
    }
    ListNode m_head;
};
} // namespace lv
