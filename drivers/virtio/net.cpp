// virtio-net: see net.h (not yet).
#include <drivers/virtio/virtio.h>

namespace drivers::virtio {
ErrorOr<void> probe_net(Transport&) { return Errno::ENODEV; }
} // namespace drivers::virtio
