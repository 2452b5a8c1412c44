#ifndef CCORTEX_SHIMS_H
#define CCORTEX_SHIMS_H

// Header-only vector helpers that Swift cannot express without per-lane code.
//
// Swift's `squareRoot()` on SIMD vectors compiles to one scalar sqrt per lane with a libm call
// for negative inputs (errno), which blocks vectorization. Clang's element-wise builtin is the
// IEEE square root of every lane in one instruction (sqrtps on x86-64, fsqrt on AArch64), so
// results equal Swift's scalar `squareRoot()` exactly. Clang's ext_vector_type(8) float is
// imported into Swift as SIMD8<Float>.

typedef float cortex_float8 __attribute__((ext_vector_type(8)));

static inline __attribute__((always_inline)) cortex_float8 cortex_sqrt8(cortex_float8 x) {
    return __builtin_elementwise_sqrt(x);
}

// Adam's update over n floats (a multiple of 8), eight lanes per AVX instruction: on this
// project's machine the square root and the division bound the update, and Swift code compiles
// for baseline x86-64 (SSE, four lanes). The same operations in the same order as the Swift
// loop in Adam.swift, without contraction into fused multiply-adds, so results are identical.
// Call it only when cortex_has_avx() is true.
#if defined(__x86_64__)
#pragma clang fp contract(off)

static inline int cortex_has_avx(void) { return __builtin_cpu_supports("avx"); }

__attribute__((target("avx"))) static inline void cortex_adam_update_avx(
    float *p, float *m, float *v, const float *g, long n, float alpha, float beta1, float beta2, float epsilon) {
    for (long i = 0; i + 8 <= n; i += 8) {
        cortex_float8 gi, mi, vi, pi;
        __builtin_memcpy(&gi, g + i, sizeof gi);
        __builtin_memcpy(&mi, m + i, sizeof mi);
        __builtin_memcpy(&vi, v + i, sizeof vi);
        __builtin_memcpy(&pi, p + i, sizeof pi);
        mi = mi + (gi - mi) * (1 - beta1);
        vi = vi + (gi * gi - vi) * (1 - beta2);
        pi = pi - alpha * mi / (__builtin_elementwise_sqrt(vi) + epsilon);
        __builtin_memcpy(m + i, &mi, sizeof mi);
        __builtin_memcpy(v + i, &vi, sizeof vi);
        __builtin_memcpy(p + i, &pi, sizeof pi);
    }
}
#endif

// The CPU as CPUID reports it, for choosing BLAS kernels (Backend/CPUFeatures.swift). Vector
// extensions count only when the operating system saves their registers (XGETBV), as OpenBLAS
// checks before it uses them.
typedef struct {
    char vendor[13];  // "GenuineIntel", "AuthenticAMD", ...
    char brand[49];   // the processor brand string, e.g. "AMD EPYC 9R14 96-Core Processor"
    int family;       // display family (base + extended)
    int model;        // display model (base + extended for families 6 and 15)
    int avx, avx2, fma;
    int avx512f, avx512bw, avx512dq, avx512vl, avx512bf16;
} cortex_cpu_info;

// Fills `info` from CPUID; on other architectures everything is zero.
void cortex_read_cpu_info(cortex_cpu_info *info);

// getrandom(2), which Swift's Glibc module does not export: fills `buffer` from the kernel's
// CSPRNG (blocking only until the pool is first seeded, never after). Returns the number of bytes
// written (a call may write fewer than asked, or fail with -1 and errno EINTR; the caller loops).
#if defined(__linux__)
#include <sys/random.h>
static inline long cortex_getrandom(void *buffer, unsigned long length) { return getrandom(buffer, length, 0); }
#endif

#endif
