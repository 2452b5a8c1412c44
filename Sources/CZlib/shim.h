#ifndef CORTEX_CZLIB_SHIM_H
#define CORTEX_CZLIB_SHIM_H
#include <zlib.h>
#endif
