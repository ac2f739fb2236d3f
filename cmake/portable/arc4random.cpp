// Linked into every executable of a portable build (cmake/Portable.cmake) to keep the glibc floor
// at 2.35. A static libstdc++ 12 always carries random.o (cow-string-inst.o refers to
// std::random_device), and random.o calls arc4random, new in GLIBC_2.36: resolved against libc,
// every binary would refuse to start on Ubuntu 22.04. Defined here, the reference binds to this
// definition at link time and no GLIBC_2.36 symbol is imported. Same contract as glibc's: 32
// uniformly random bits from the kernel's CSPRNG; never fails (aborts if the kernel cannot answer).
#include <sys/random.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>

extern "C" std::uint32_t arc4random(void) noexcept
{
  std::uint32_t value = 0;
  auto *bytes = reinterpret_cast<unsigned char *>(&value);
  std::size_t done = 0;
  while (done < sizeof value) {
    const ssize_t n = ::getrandom(bytes + done, sizeof value - done, 0);
    if (n > 0)
      done += static_cast<std::size_t>(n);
    else if (n < 0 && errno != EINTR)
      std::abort();
  }
  return value;
}
