// Compiler and platform configuration shared by every ocikit header.
#ifndef OCIKIT_CONFIG_HPP
#define OCIKIT_CONFIG_HPP

#include "ocikit/version.hpp"

#if defined(__GNUC__) || defined(__clang__)
#define OCIKIT_LIKELY(x) __builtin_expect(!!(x), 1)
#define OCIKIT_UNLIKELY(x) __builtin_expect(!!(x), 0)
#define OCIKIT_ALWAYS_INLINE inline __attribute__((always_inline))
#define OCIKIT_NOINLINE __attribute__((noinline))
#else
#define OCIKIT_LIKELY(x) (x)
#define OCIKIT_UNLIKELY(x) (x)
#define OCIKIT_ALWAYS_INLINE inline
#define OCIKIT_NOINLINE
#endif

#endif  // OCIKIT_CONFIG_HPP
