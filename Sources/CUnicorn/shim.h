#ifndef LOADERLAB_CUNICORN_SHIM_H
#define LOADERLAB_CUNICORN_SHIM_H
#include <unicorn/unicorn.h>

// uc_ctl is variadic and Swift cannot call C variadics: these fixed-arity wrappers can.
static inline uc_err loaderlab_uc_set_cpu_model(uc_engine *uc, int model) {
    return uc_ctl(uc, UC_CTL_WRITE(UC_CTL_CPU_MODEL, 1), model);
}

static inline uc_err loaderlab_uc_flush_tb(uc_engine *uc) {
    return uc_ctl(uc, UC_CTL_WRITE(UC_CTL_TB_FLUSH, 0));
}

static inline uc_err loaderlab_uc_remove_tb_cache(uc_engine *uc, uint64_t begin, uint64_t end) {
    return uc_ctl(uc, UC_CTL_WRITE(UC_CTL_TB_REMOVE_CACHE, 2), begin, end);
}
#endif
