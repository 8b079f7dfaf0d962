/*
 * Lets the Intel MKL inside libtorch use the code paths this CPU supports on AMD processors too.
 *
 * libtorch's CPU build links oneMKL for its matrix products (the decoder's every step, training).
 * MKL picks its kernels by asking mkl_serv_intel_cpu_true() whether the processor is an Intel one;
 * on any other vendor it falls back to a generic path that ignores AVX-512. On the AMD EPYC (Zen 5,
 * AVX-512) development machine a 1280x512x2048 fp32 product ran at 206 GFLOP/s that way and at
 * 504 GFLOP/s with this answer (README, Configuration). libtorch_cpu.so exports the function, so a
 * library preloaded ahead of it (LD_PRELOAD, set by ./captioner on AMD CPUs) answers first; MKL
 * still reads the CPU's feature flags to choose among the kernels the CPU can run.
 * ./captioner compiles this file with the system C compiler on first use; set CAPTIONER_MKL_ANY_CPU=0
 * to leave MKL as it is.
 */
int mkl_serv_intel_cpu_true(void) {
    return 1;
}
