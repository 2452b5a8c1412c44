#ifndef CORTEX_COPENBLAS_SHIM_H
#define CORTEX_COPENBLAS_SHIM_H
#include <cblas.h>
#include <lapacke.h>
// mallopt: Cortex keeps freed workspaces in the process between training steps.
#include <malloc.h>
// lapack_int is a macro and does not import into Swift.
typedef lapack_int cortex_lapack_int;
#endif
