// Kernels compiled twice, for AVX2 and for baseline x86-64, with GCC's target_clones: the loader
// picks one through an ifunc resolver before main() runs. Sanitizer runtimes are not ready that
// early (an instrumented resolver crashes the program at load), so ASan and TSan builds keep the
// baseline kernel alone. Both clones do the same operations in the same order: results are
// bit-identical either way.
#pragma once

#if defined(__x86_64__) && !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
#define MIRKIT_CPU_DISPATCH 1
#define MIRKIT_TARGET_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define MIRKIT_CPU_DISPATCH 0
#define MIRKIT_TARGET_CLONES
#endif
