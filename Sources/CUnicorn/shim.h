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

// The per-instruction hook. Unicorn 2.0.1 calls a lone UC_HOOK_CODE callback straight from the
// translated code before every instruction; all it has to do is record the PC (and, in a block
// with FP instructions, have the machine check CPACR), so it is C: no frame, no saved
// registers, no reference counting on the way, as a Swift closure had.
typedef struct loaderlab_hot_state {
    /// The instruction about to execute: the exact PC of every MMIO access and fault.
    uint32_t lastPC;
    /// The current block has FP instructions: each is checked before it runs.
    bool fpWatch;
    /// The machine (unretained) and its FP check.
    void *machine;
    void (*checkCoprocessorAccess)(void *machine, uint32_t pc);
} loaderlab_hot_state;

static inline void loaderlab_code_hook(uc_engine *uc, uint64_t address, uint32_t size, void *user_data) {
    (void)uc;
    (void)size;
    loaderlab_hot_state *hot = (loaderlab_hot_state *)user_data;
    hot->lastPC = (uint32_t)address;
    if (hot->fpWatch) hot->checkCoprocessorAccess(hot->machine, (uint32_t)address);
}
#endif
