// Kernels compiled twice, for AVX2 and for baseline x86-64, with GCC's target_clones: the loader
// picks one through an ifunc resolver before main() runs. Sanitizer runtimes are not ready that
// early (an instrumented resolver crashes the program at load), so ASan and TSan builds keep the
// baseline kernel alone. Both clones do the same operations in the same order: results are
// bit-identical either way.
#pragma once

// GCC says __SANITIZE_ADDRESS__ / __SANITIZE_THREAD__; clang 14 says it through __has_feature
// only. libFuzzer's coverage instrumentation (-fsanitize=fuzzer-no-link) has no macro at all: the
// fuzz build defines MIRKIT_NO_CPU_DISPATCH.
#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define MIRKIT_SANITIZED_BUILD 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define MIRKIT_SANITIZED_BUILD 1
#endif

#if defined(__x86_64__) && !defined(MIRKIT_SANITIZED_BUILD) && !defined(MIRKIT_NO_CPU_DISPATCH)
#define MIRKIT_CPU_DISPATCH 1
#define MIRKIT_TARGET_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define MIRKIT_CPU_DISPATCH 0
#define MIRKIT_TARGET_CLONES
#endif
