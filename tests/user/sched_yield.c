// sched_yield succeeds (with one runnable thread it returns at once).
// SYSCALLS: sched_yield
#include "lvtest.h"
#include <sched.h>

int main(void) {
    for (int i = 0; i < 1000; i++) CHECK_OK(sched_yield());
    return 0;
}
