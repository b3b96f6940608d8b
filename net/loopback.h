// The loopback interface, lo: 127.0.0.1/8, MTU 65536. What it sends comes back as
// received (through the net thread), carrying bare IPv4 datagrams: there is no link
// header to build or parse.
#pragma once
#include <kernel/sync/giant.h>
#include <net/inet/interface.h>

namespace net::inet {
// Creates and registers lo (index 1, as in Linux), up, with 127.0.0.1/8. Later calls
// do nothing: whichever comes first, net init or a driver's interface, makes it.
void create_loopback() LV_REQUIRES_GIANT;
} // namespace net::inet
