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

// uc_hook_add is variadic too, and takes its callback as void*: one typed wrapper per
// callback shape keeps the Swift side free of unsafeBitCast.
static inline uc_err loaderlab_uc_hook_code(uc_engine *uc, uc_hook *hh, int type,
                                            uc_cb_hookcode_t callback, void *user_data,
                                            uint64_t begin, uint64_t end) {
    return uc_hook_add(uc, hh, type, (void *)callback, user_data, begin, end);
}

static inline uc_err loaderlab_uc_hook_intr(uc_engine *uc, uc_hook *hh,
                                            uc_cb_hookintr_t callback, void *user_data) {
    return uc_hook_add(uc, hh, UC_HOOK_INTR, (void *)callback, user_data, 1, 0);
}

static inline uc_err loaderlab_uc_hook_mem(uc_engine *uc, uc_hook *hh, int type,
                                           uc_cb_hookmem_t callback, void *user_data,
                                           uint64_t begin, uint64_t end) {
    return uc_hook_add(uc, hh, type, (void *)callback, user_data, begin, end);
}

static inline uc_err loaderlab_uc_hook_mem_invalid(uc_engine *uc, uc_hook *hh, int type,
                                                   uc_cb_eventmem_t callback, void *user_data,
                                                   uint64_t begin, uint64_t end) {
    return uc_hook_add(uc, hh, type, (void *)callback, user_data, begin, end);
}
#endif
