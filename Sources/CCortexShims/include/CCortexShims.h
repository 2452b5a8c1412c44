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

#endif
