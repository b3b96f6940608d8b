// Architecture-neutral description of a mapping, translated by <arch/pte.h>.
#pragma once

struct PageFlags {
    bool writable = false;
    bool user = false;
    bool executable = false;
    bool device = false; // uncached MMIO
    unsigned char pkey = 0; // protection key (< arch::pkey_count(); always 0 without keys)
};
