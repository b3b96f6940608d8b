// The pure parts of the IPv4 stack: the Internet checksum, the ip= boot option, TCP
// sequence arithmetic, the byte ring of TCP's queues and the out-of-order queue.
// Kernel headers come first (libc's <errno.h>, through gtest, defines E* macros).
#include <net/inet/checksum.h>
#include <net/inet/config.h>
#include <net/inet/ring.h>
#include <net/inet/tcp_reassembly.h>
#include <net/inet/tcp_seq.h>
#include <gtest/gtest.h>
#include <string>

using namespace net::inet;

TEST(InetChecksum, Rfc1071Example) {
    // RFC 1071 section 3: the sum of 00 01 f2 03 f4 f5 f6 f7 is ddf2 (complement 220d).
    const u8 data[] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
    EXPECT_EQ(checksum(data, sizeof data), 0x220d);
    // Odd lengths pad with a zero byte; chained sums give the same result.
    EXPECT_EQ(checksum(data, 3), checksum_finish(checksum_add(checksum_add(0, data, 2), data + 2, 1)));
}

TEST(InetChecksum, VerifiesToZero) {
    // An IPv4 header with its checksum field filled in sums to zero.
    u8 h[20] = {0x45, 0, 0, 0x54, 0x12, 0x34, 0x40, 0, 64, 1, 0, 0, 127, 0, 0, 1, 127, 0, 0, 1};
    u16 c = checksum(h, sizeof h);
    h[10] = u8(c >> 8);
    h[11] = u8(c);
    EXPECT_EQ(checksum(h, sizeof h), 0);
    EXPECT_EQ(pseudo_header_sum(0x0a00020f, 0x0a000202, 6, 20), 0x0a00u + 0x020fu + 0x0a00u + 0x0202u + 6u + 20u);
}

TEST(InetConfig, Ipv4Addresses) {
    u32 a = 0;
    EXPECT_TRUE(parse_ipv4("10.0.2.15", 9, a));
    EXPECT_EQ(a, 0x0a00020fu);
    EXPECT_TRUE(parse_ipv4("255.255.255.0", 13, a));
    EXPECT_EQ(a, 0xffffff00u);
    for (const char* bad : {"10.0.2", "10.0.2.256", "1.2.3.4.5", "a.b.c.d", "1..2.3", "", "1.2.3.4 "})
        EXPECT_FALSE(parse_ipv4(bad, strlen(bad), a)) << bad;
}

TEST(InetConfig, IpOption) {
    IpConfig c;
    EXPECT_TRUE(parse_ip_option("10.0.2.16::10.0.2.2:255.255.255.0", c));
    EXPECT_TRUE(c.enabled);
    EXPECT_EQ(c.addr, 0x0a000210u);
    EXPECT_EQ(c.gateway, 0x0a000202u);
    EXPECT_EQ(c.netmask, 0xffffff00u);
    EXPECT_EQ(c.dns[0], 0x0a000203u); // the default stays
    EXPECT_STREQ(c.device, "");

    IpConfig d;
    EXPECT_TRUE(parse_ip_option("192.168.1.5:192.168.1.1:192.168.1.254:255.255.0.0:box:eth1:off:1.1.1.1:8.8.8.8", d));
    EXPECT_EQ(d.addr, 0xc0a80105u);
    EXPECT_EQ(d.netmask, 0xffff0000u);
    EXPECT_STREQ(d.hostname, "box");
    EXPECT_STREQ(d.device, "eth1");
    EXPECT_EQ(d.dns[0], 0x01010101u);
    EXPECT_EQ(d.dns[1], 0x08080808u);

    IpConfig e;
    EXPECT_TRUE(parse_ip_option("off", e));
    EXPECT_FALSE(e.enabled);

    IpConfig f, before;
    EXPECT_FALSE(parse_ip_option("10.0.2.300", f));
    EXPECT_FALSE(parse_ip_option("10.0.2.15:::255.0.255.0", f)); // not a prefix
    EXPECT_FALSE(parse_ip_option("dhcp", f));                    // only static configuration
    EXPECT_EQ(f.addr, before.addr);                              // untouched on failure
}

TEST(InetTcp, SequenceArithmeticWraps) {
    EXPECT_TRUE(seq_lt(0xfffffff0u, 0x10u));
    EXPECT_TRUE(seq_gt(0x10u, 0xfffffff0u));
    EXPECT_TRUE(seq_le(5u, 5u));
    EXPECT_FALSE(seq_lt(5u, 5u));
    EXPECT_TRUE(seq_ge(0x80000000u, 0x7fffffffu));
}

TEST(InetRing, WrapsAround) {
    ByteRing r;
    ASSERT_FALSE(r.allocate(8).is_error());
    r.append("abcdef", 6);
    r.consume(4);
    r.append("ghijk", 5); // wraps: "efghijk"
    EXPECT_EQ(r.size(), 7u);
    EXPECT_EQ(r.space(), 1u);
    char out[8] = {};
    r.copy_out(0, out, 7);
    EXPECT_EQ(std::string(out, 7), "efghijk");
    ByteRing::Span s[2];
    EXPECT_EQ(r.content(2, 5, s), 2u); // "ghijk" crosses the end
    EXPECT_EQ(s[0].len + s[1].len, 5u);
    EXPECT_EQ(r.free_space(1, s), 1u);
}

TEST(InetReassembly, FillsGapsOnce) {
    ByteRing ring;
    ASSERT_FALSE(ring.allocate(64).is_error());
    TcpReassembly q;
    const char* text = "0123456789abcdefghij";
    u32 base = 0xfffffffa; // across the wrap of the sequence space
    EXPECT_TRUE(q.insert(base + 10, reinterpret_cast<const u8*>(text + 10), 5)); // "abcde"
    EXPECT_TRUE(q.insert(base + 12, reinterpret_cast<const u8*>(text + 12), 6)); // overlaps: adds "fgh"
    EXPECT_TRUE(q.insert(base + 4, reinterpret_cast<const u8*>(text + 4), 3));   // "456"
    EXPECT_EQ(q.bytes(), 11u);
    u32 rcv_nxt = base;
    EXPECT_EQ(q.drain_into(rcv_nxt, ring), 0u); // the gap at base..base+4 is still open
    ring.append(text, 4);
    rcv_nxt += 4;
    EXPECT_EQ(q.drain_into(rcv_nxt, ring), 3u); // "456", then the gap at 7..10
    EXPECT_EQ(rcv_nxt, base + 7);
    ring.append(text + 7, 3);
    rcv_nxt += 3;
    EXPECT_EQ(q.drain_into(rcv_nxt, ring), 8u);
    EXPECT_TRUE(q.empty());
    char out[32] = {};
    ring.copy_out(0, out, ring.size());
    EXPECT_EQ(std::string(out, ring.size()), "0123456789abcdefgh");
}
