#include "CCortexShims.h"

#include <string.h>

#if defined(__x86_64__)
#include <cpuid.h>

static unsigned long long cortex_xgetbv(void) {
    unsigned int eax, edx;
    __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
    return ((unsigned long long)edx << 32) | eax;
}

void cortex_read_cpu_info(cortex_cpu_info *info) {
    memset(info, 0, sizeof *info);
    unsigned int eax, ebx, ecx, edx;
    if (!__get_cpuid(0, &eax, &ebx, &ecx, &edx)) return;
    unsigned int maxLeaf = eax;
    memcpy(info->vendor, &ebx, 4);
    memcpy(info->vendor + 4, &edx, 4);
    memcpy(info->vendor + 8, &ecx, 4);

    __get_cpuid(1, &eax, &ebx, &ecx, &edx);
    int baseFamily = (eax >> 8) & 0xf, baseModel = (eax >> 4) & 0xf;
    info->family = baseFamily == 0xf ? baseFamily + ((eax >> 20) & 0xff) : baseFamily;
    info->model = (baseFamily == 6 || baseFamily == 0xf) ? baseModel + (((eax >> 16) & 0xf) << 4) : baseModel;
    int osxsave = (ecx >> 27) & 1;
    unsigned long long xcr0 = osxsave ? cortex_xgetbv() : 0;
    int ymmSaved = (xcr0 & 0x6) == 0x6;            // SSE and AVX state
    int zmmSaved = ymmSaved && (xcr0 & 0xe0) == 0xe0;  // opmask, ZMM_Hi256, Hi16_ZMM
    info->avx = ymmSaved && ((ecx >> 28) & 1);
    info->fma = info->avx && ((ecx >> 12) & 1);

    if (maxLeaf >= 7) {
        __cpuid_count(7, 0, eax, ebx, ecx, edx);
        unsigned int subleaves = eax;
        info->avx2 = info->avx && ((ebx >> 5) & 1);
        info->avx512f = zmmSaved && ((ebx >> 16) & 1);
        info->avx512dq = info->avx512f && ((ebx >> 17) & 1);
        info->avx512bw = info->avx512f && ((ebx >> 30) & 1);
        info->avx512vl = info->avx512f && ((ebx >> 31) & 1);
        if (subleaves >= 1) {
            __cpuid_count(7, 1, eax, ebx, ecx, edx);
            info->avx512bf16 = info->avx512f && ((eax >> 5) & 1);
        }
    }

    __get_cpuid(0x80000000, &eax, &ebx, &ecx, &edx);
    if (eax >= 0x80000004) {
        unsigned int words[12];
        for (unsigned int i = 0; i < 3; i++) {
            __get_cpuid(0x80000002 + i, &words[4 * i], &words[4 * i + 1], &words[4 * i + 2], &words[4 * i + 3]);
        }
        memcpy(info->brand, words, 48);
        info->brand[48] = 0;
    }
}
#else
void cortex_read_cpu_info(cortex_cpu_info *info) { memset(info, 0, sizeof *info); }
#endif
