// Where file data pages come from. In the kernel: physical frames seen through the
// direct map (fs/data_pages.cpp), so that a later mmap of a ramfs file can map them;
// in host tests: aligned malloc (tests/host/fs_host_stubs.cpp).
#pragma once
#include <lib/types.h>

namespace fs {
constexpr size_t kDataPageSize = 4096;
// One page's piece of a byte range being read or written: the page's index, where the
// piece starts in it and how long it is (the rest of the page, or of the range).
struct PageChunk {
    u64 index;
    size_t in_page;
    size_t len;
};
inline PageChunk page_chunk(u64 pos, size_t left) {
    size_t in_page = size_t(pos % kDataPageSize);
    return {pos / kDataPageSize, in_page, left < kDataPageSize - in_page ? left : kDataPageSize - in_page};
}

u8* alloc_data_page(bool zeroed); // null when out of memory
void free_data_page(u8* page);
// Pages allocated and not freed: the memory tmpfs/ramfs files hold (/proc/meminfo's
// Shmem, which Linux also counts in Cached). Kernel only.
u64 data_pages_in_use();
// Pages that could still be had (free memory), for a request with no other bound.
u64 data_pages_free();
} // namespace fs
