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

// The per-block hook. Unicorn 2.0.1 calls it from the translated code before every block, so it
// is C too: it counts the block, charges its instructions against the budget and moves the
// clock, all in memory the machine shares with it. Whatever it cannot finish alone (a block it
// has not seen, the host guard's turn, a limit, SysTick, a pending exception, a frequency to
// read again) goes to the machine's `blockWillExecute`, which does the whole block in Swift.
//
// SwiftPM does not rebuild Swift code when a [system] module's header changes: after changing
// these structs, delete .build/*/CortexM.build, or Swift files compiled against the old layout
// corrupt memory.

/// What the system control space has the core do at block boundaries, kept by its models in
/// this memory (`ExceptionSignals`).
typedef struct loaderlab_exception_signals {
    /// SysTick's next wrap that pends its exception, in picoseconds (UINT64_MAX: none).
    uint64_t sysTickNext;
    bool sysTickPending;
    bool pendSVPending;
    bool nmiPending;
    bool irqPending;
} loaderlab_exception_signals;

/// A block the machine has decoded (`BlockProfile`), direct-mapped by address.
typedef struct loaderlab_block_line {
    /// address << 32 | size; UINT64_MAX: empty.
    uint64_t key;
    uint32_t slot;
    uint16_t instructions;
    bool hasFP;
} loaderlab_block_line;

#define LOADERLAB_BLOCK_LINES 4096

/// The machine's run state that the block hook reads and advances (`RunState` forwards to it).
typedef struct loaderlab_block_state {
    loaderlab_block_line *lines;
    /// Per slot: how often the block ran in the current call.
    uint64_t *executions;
    /// The `VirtualClock`'s own storage: `now` in picoseconds, `coreFrequencyHz`.
    uint64_t *now;
    const uint64_t *coreHz;
    const loaderlab_exception_signals *signals;
    loaderlab_hot_state *hot;
    uint64_t executed;
    uint64_t maxInstructions;
    uint64_t totalInstructions;
    /// Picoseconds; the run stops once the clock is past it.
    uint64_t deadline;
    /// The core frequency `picosecondsPerCycle` is for.
    uint64_t cachedHz;
    /// Per core cycle; 0 when not a whole number (the machine converts every block itself).
    uint64_t picosecondsPerCycle;
    int64_t blocksUntilHostCheck;
    int64_t lastSlot;
    /// The last block with FP instructions: where it starts and its slot.
    uint32_t fpBlockStart;
    uint32_t fpSlot;
    bool frequencyMayHaveChanged;
    void *machine;
    void (*blockWillExecute)(void *machine, uint32_t address, uint32_t size);
} loaderlab_block_state;

static inline void loaderlab_block_hook(uc_engine *uc, uint64_t address, uint32_t size, void *user_data) {
    (void)uc;
    loaderlab_block_state *s = (loaderlab_block_state *)user_data;
    const loaderlab_block_line *line = &s->lines[(address >> 1) & (LOADERLAB_BLOCK_LINES - 1)];
    const loaderlab_exception_signals *x = s->signals;
    uint64_t count = line->instructions;
    uint64_t now = *s->now + count * s->picosecondsPerCycle;
    // Every bus write raises the flag; the Swift hook would find the same frequency and only
    // lower it.
    if (s->frequencyMayHaveChanged && *s->coreHz == s->cachedHz) s->frequencyMayHaveChanged = false;
    // Each condition is one of the Swift hook's branches that this block would take.
    if (line->key != (address << 32 | size) || s->blocksUntilHostCheck <= 1 || s->frequencyMayHaveChanged
        || s->picosecondsPerCycle == 0 || s->executed + count > s->maxInstructions
        || now > s->deadline || now >= x->sysTickNext
        || (x->sysTickPending | x->pendSVPending | x->nmiPending | x->irqPending)) {
        s->blockWillExecute(s->machine, (uint32_t)address, size);
        return;
    }
    s->blocksUntilHostCheck -= 1;
    s->executions[line->slot] += 1;
    s->lastSlot = line->slot;
    s->hot->fpWatch = line->hasFP;
    if (line->hasFP) {
        s->fpBlockStart = (uint32_t)address;
        s->fpSlot = line->slot;
    }
    s->executed += count;
    s->totalInstructions += count;
    *s->now = now;
}
#endif
