#define _GNU_SOURCE
#include "CUnicornStores.h"
#include <dlfcn.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdlib.h>

// Opaque to us: QEMU's `CPUState`, `CPUARMState`, `struct uc_struct` and `struct
// page_collection` (translate-all.c).
struct page_collection;
// tb_page_addr_t and ram_addr_t are uintptr_t on 64-bit hosts; target_ulong is 32-bit for ARM.
typedef uintptr_t loaderlab_ram_addr;
// QEMU's MemTxAttrs: a 32-bit struct of bit-fields, passed in one integer register.
typedef struct { uint32_t bits; } loaderlab_mem_tx_attrs;

enum {
    // QEMU's smallest ARM target page (TARGET_PAGE_BITS_MIN): the code set's granule.
    granuleBits = 10,
    chunkBits = 20,
    chunkCount = 1 << (32 - chunkBits),
    granulesPerChunk = 1 << (chunkBits - granuleBits),
    pageWrite = 2,  // PAGE_WRITE
};

enum { loaderlab_pc_lines = 1024, loaderlab_direct_spans = 8 };
// The System PPB starts here (ARMv8-M B3.5): no direct span reaches it.
static const uint64_t systemPPB = 0xE0000000u;

typedef struct {
    uint32_t base;
    uint32_t size;
    struct uc_struct *uc;
    loaderlab_direct_read_fn read;
    loaderlab_direct_write_fn write;
    void *context;
} loaderlab_direct_span;

// A host return address into the translated code and the guest instruction it belongs to.
typedef struct {
    uintptr_t host;
    uint64_t generation;
    uint32_t pc;
} loaderlab_pc_line;

struct loaderlab_store_path {
    // The engine's CPUState, learned from its first TLB fill.
    void *cpu;
    loaderlab_pc_line pcLines[loaderlab_pc_lines];
    uint64_t pcLookups;
    uint64_t unresolvedPCs;
    // One bit per 1 KiB granule that code was looked up or translated in, by 1 MiB chunk.
    uint8_t *chunks[chunkCount];
    uint64_t codePages;
    uint64_t dirtyFills;
    loaderlab_direct_span direct[loaderlab_direct_spans];
    uint32_t directCount;
    uint64_t directAccesses;
};

static _Thread_local loaderlab_store_path *current = NULL;
static _Thread_local bool skipLocks = false;
static _Thread_local bool fastStores = false;
static _Thread_local uint64_t slowStores = 0;
static _Thread_local bool directMMIO = false;
// The host return address of the guest access in progress on this thread (0: none, or one a
// helper of QEMU's own made, such as exception stacking).
static _Thread_local uintptr_t accessReturn = 0;

// What a skipped lock returns; the unlock recognizes it. Callers only hand the collection
// back to page_collection_unlock (unicorn-engine/unicorn#1838 review).
static char skippedCollection;

typedef struct page_collection *(*lock_fn)(struct uc_struct *, loaderlab_ram_addr, loaderlab_ram_addr);
typedef void (*unlock_fn)(struct page_collection *);
typedef loaderlab_ram_addr (*code_page_fn)(void *, uint32_t);
typedef void (*set_page_fn)(void *, uint32_t, uint64_t, loaderlab_mem_tx_attrs, int, int, uint32_t);

// libunicorn's own definitions, looked up once (every thread finds the same ones).
static _Atomic(lock_fn) realLock = NULL;
static _Atomic(unlock_fn) realUnlock = NULL;
static _Atomic(code_page_fn) realCodePage = NULL;
static _Atomic(set_page_fn) realSetPage = NULL;

#define LOOK_UP(slot, type, name)                                              \
    type found = atomic_load_explicit(&slot, memory_order_relaxed);           \
    if (found == NULL) {                                                       \
        found = (type)dlsym(RTLD_NEXT, name);                                  \
        atomic_store_explicit(&slot, found, memory_order_relaxed);            \
    }

// Exported by libunicorn 2.0.1 (not through its public header).
void tlb_set_dirty_arm(void *cpu, uint32_t vaddr);
void tlb_flush_page_arm(void *cpu, uint32_t vaddr);
void tlb_flush_arm(void *cpu);

struct page_collection *page_collection_lock_arm(struct uc_struct *uc, loaderlab_ram_addr start, loaderlab_ram_addr end);
void page_collection_unlock_arm(struct page_collection *set);
loaderlab_ram_addr get_page_addr_code_arm(void *env, uint32_t addr);
void tlb_set_page_with_attrs_arm(void *cpu, uint32_t vaddr, uint64_t paddr, loaderlab_mem_tx_attrs attrs,
                                 int prot, int mmuIndex, uint32_t size);

loaderlab_store_path *loaderlab_store_path_create(void) {
    return calloc(1, sizeof(loaderlab_store_path));
}

void loaderlab_store_path_destroy(loaderlab_store_path *path) {
    if (path == NULL) return;
    if (current == path) {
        current = NULL;
        directMMIO = false;
    }
    for (size_t i = 0; i < chunkCount; i++) free(path->chunks[i]);
    free(path);
}

void loaderlab_store_path_enter(loaderlab_store_path *path, bool skip, bool fast, bool direct) {
    accessReturn = 0;
    current = path;
    skipLocks = skip;
    fastStores = fast && path != NULL;
    directMMIO = direct && path != NULL;
}

void loaderlab_store_path_leave(void) {
    current = NULL;
    skipLocks = false;
    fastStores = false;
    directMMIO = false;
}

void loaderlab_store_path_set_direct_mmio(bool allowed) {
    directMMIO = allowed && current != NULL;
}

bool loaderlab_store_path_add_direct_span(loaderlab_store_path *path, struct uc_struct *uc, uint32_t base, uint32_t size,
                                          loaderlab_direct_read_fn read, loaderlab_direct_write_fn write, void *context) {
    if (path == NULL || size == 0 || (uint64_t)base + size > systemPPB || path->directCount >= loaderlab_direct_spans) return false;
    path->direct[path->directCount++] = (loaderlab_direct_span){ base, size, uc, read, write, context };
    return true;
}

uint64_t loaderlab_store_path_direct_accesses(const loaderlab_store_path *path) { return path ? path->directAccesses : 0; }

// The direct span holding an aligned `bytes`-wide access at `addr`, when the route is on.
// `nested`: the helper was called from inside another (QEMU's store_helper stores an
// unaligned access byte by byte through `helper_ret_stb_mmu`): a piece of an access, never
// a whole one, so it takes the whole way.
static inline const loaderlab_direct_span *directSpan(uint32_t addr, unsigned bytes, bool nested) {
    if (!directMMIO || nested || (addr & (bytes - 1)) != 0) return NULL;
    loaderlab_store_path *path = current;
    for (uint32_t i = 0; i < path->directCount; i++) {
        const loaderlab_direct_span *d = &path->direct[i];
        if (addr - d->base < d->size) {
            path->directAccesses += 1;
            return d;
        }
    }
    return NULL;
}

void loaderlab_store_path_set_fast_stores(bool allowed) {
    loaderlab_store_path *path = current;
    if (path == NULL || fastStores == allowed) return;
    fastStores = allowed;
    // Off: the entries made dirty go, so every store reaches store_helper (and its hooks).
    // On: clean entries go, so data pages are refilled dirty.
    if (path->cpu != NULL) tlb_flush_arm(path->cpu);
}

uint64_t loaderlab_store_path_slow_stores(void) { return slowStores; }
uint64_t loaderlab_store_path_code_pages(const loaderlab_store_path *path) { return path ? path->codePages : 0; }
uint64_t loaderlab_store_path_dirty_fills(const loaderlab_store_path *path) { return path ? path->dirtyFills : 0; }

bool loaderlab_store_path_interposed(void) {
    return dlsym(RTLD_DEFAULT, "page_collection_lock_arm") == (void *)&page_collection_lock_arm
        && dlsym(RTLD_DEFAULT, "page_collection_unlock_arm") == (void *)&page_collection_unlock_arm
        && dlsym(RTLD_DEFAULT, "get_page_addr_code_arm") == (void *)&get_page_addr_code_arm
        && dlsym(RTLD_DEFAULT, "tlb_set_page_with_attrs_arm") == (void *)&tlb_set_page_with_attrs_arm;
}

static bool isCodeGranule(const loaderlab_store_path *path, uint32_t address) {
    const uint8_t *chunk = path->chunks[address >> chunkBits];
    if (chunk == NULL) return false;
    uint32_t granule = (address >> granuleBits) & (granulesPerChunk - 1);
    return (chunk[granule >> 3] >> (granule & 7)) & 1;
}

// False when the bitmap could not be allocated: the caller then keeps the fast path off.
static bool markCodeGranule(loaderlab_store_path *path, uint32_t address) {
    uint8_t **chunk = &path->chunks[address >> chunkBits];
    if (*chunk == NULL) {
        *chunk = calloc(granulesPerChunk / 8, 1);
        if (*chunk == NULL) return false;
    }
    uint32_t granule = (address >> granuleBits) & (granulesPerChunk - 1);
    (*chunk)[granule >> 3] |= (uint8_t)(1u << (granule & 7));
    path->codePages += 1;
    return true;
}

struct page_collection *page_collection_lock_arm(struct uc_struct *uc, loaderlab_ram_addr start, loaderlab_ram_addr end) {
    if (skipLocks) {
        slowStores += 1;
        return (struct page_collection *)&skippedCollection;
    }
    LOOK_UP(realLock, lock_fn, "page_collection_lock_arm")
    return found ? found(uc, start, end) : (struct page_collection *)&skippedCollection;
}

void page_collection_unlock_arm(struct page_collection *set) {
    if (set == (struct page_collection *)&skippedCollection) return;
    LOOK_UP(realUnlock, unlock_fn, "page_collection_unlock_arm")
    if (found != NULL) found(set);
}

// QEMU asks for a page's RAM address before it looks up a translation there (tb_htable_lookup)
// and before it translates one (tb_gen_code, both pages of a block that crosses one), so a
// page is recorded before any translation from it exists. On ARMv8-M virtual and physical
// addresses are one. Its TLB entry may have been made dirty while it held data only: flushed,
// it is refilled clean, and a store there reaches the self-modifying-code check again.
loaderlab_ram_addr get_page_addr_code_arm(void *env, uint32_t addr) {
    loaderlab_store_path *path = current;
    if (path != NULL && !isCodeGranule(path, addr)) {
        if (!markCodeGranule(path, addr)) fastStores = false;
        if (path->cpu != NULL) tlb_flush_page_arm(path->cpu, addr);
    }
    LOOK_UP(realCodePage, code_page_fn, "get_page_addr_code_arm")
    return found ? found(env, addr) : (loaderlab_ram_addr)-1;
}

void tlb_set_page_with_attrs_arm(void *cpu, uint32_t vaddr, uint64_t paddr, loaderlab_mem_tx_attrs attrs,
                                 int prot, int mmuIndex, uint32_t size) {
    LOOK_UP(realSetPage, set_page_fn, "tlb_set_page_with_attrs_arm")
    if (found == NULL) return;
    found(cpu, vaddr, paddr, attrs, prot, mmuIndex, size);
    loaderlab_store_path *path = current;
    if (path == NULL) return;
    if (path->cpu == NULL) path->cpu = cpu;
    if (!fastStores || path->cpu != cpu || !(prot & pageWrite)) return;
    // The filled page, at least one granule (an MPU region smaller than a page gives a
    // smaller size and an entry QEMU never caches).
    uint32_t span = size > (1u << granuleBits) ? size : (1u << granuleBits);
    uint32_t base = vaddr & ~(span - 1);
    for (uint64_t a = base; a < (uint64_t)base + span; a += 1u << granuleBits) {
        if (isCodeGranule(path, (uint32_t)a)) return;
    }
    // Only an entry that is exactly RAM and clean changes (not MMIO, not ROM, not watched).
    tlb_set_dirty_arm(cpu, vaddr);
    path->dirtyFills += 1;
}

// MARK: the PC of a guest access, from the host code that made it

// QEMU's softmmu helpers, which the translated code calls for every load or store it cannot
// finish inline (MMIO, a TLB miss, a store to a page that holds code). Their last argument is
// the host return address into the translated block; libunicorn's TCG backend takes their
// addresses through symbol relocations (`readelf -r`: R_X86_64_64 against each), so the
// definitions below are the ones it calls. Each records the address for the MMIO callbacks
// and forwards.
typedef uint64_t (*load_fn)(void *env, uint32_t addr, uint32_t oi, uintptr_t retaddr);
typedef void (*store8_fn)(void *env, uint32_t addr, uint8_t val, uint32_t oi, uintptr_t retaddr);
typedef void (*store16_fn)(void *env, uint32_t addr, uint16_t val, uint32_t oi, uintptr_t retaddr);
typedef void (*store32_fn)(void *env, uint32_t addr, uint32_t val, uint32_t oi, uintptr_t retaddr);
typedef void (*store64_fn)(void *env, uint32_t addr, uint64_t val, uint32_t oi, uintptr_t retaddr);
typedef void (*restore_fn)(void *env, void *tb, uint32_t *data);
typedef void (*flush_fn)(void *cpu);

// `cpu_restore_state` in progress for a lookup here: the interposed `restore_state_to_opc_arm`
// records the guest PC instead of writing it into the CPU state (mid-block, that would leave
// a stale IT state where the block goes on).
static _Thread_local bool capturing = false;
static _Thread_local bool captured = false;
static _Thread_local uint32_t capturedPC = 0;
// Bumped by every flush of the translation cache: a host address may then hold another
// block's code, and every cached line is stale.
static _Atomic uint64_t flushGeneration = 1;

bool cpu_restore_state_arm(void *cpu, uintptr_t host_pc, bool will_exit);

// `direct`: the helper may take the direct MMIO route (little-endian and byte ones); `bytes`:
// its access size. The value is masked to the size, as QEMU's memory API masks it.
#define LOAD_WRAPPER(name, direct, bytes)                                                       \
    static _Atomic(load_fn) real_##name = NULL;                                                 \
    uint64_t name(void *env, uint32_t addr, uint32_t oi, uintptr_t retaddr);                    \
    uint64_t name(void *env, uint32_t addr, uint32_t oi, uintptr_t retaddr) {                   \
        uintptr_t outer = accessReturn;                                                         \
        accessReturn = retaddr;                                                                 \
        uint64_t value;                                                                         \
        const loaderlab_direct_span *d = direct ? directSpan(addr, bytes, outer != 0) : NULL;               \
        if (d != NULL) {                                                                        \
            value = d->read(d->uc, addr - d->base, bytes, d->context) & sizeMask(bytes);        \
        } else {                                                                                \
            LOOK_UP(real_##name, load_fn, #name)                                                \
            value = found(env, addr, oi, retaddr);                                              \
        }                                                                                       \
        accessReturn = outer;                                                                   \
        return value;                                                                           \
    }

#define STORE_WRAPPER(name, fn, type, direct, bytes)                                            \
    static _Atomic(fn) real_##name = NULL;                                                      \
    void name(void *env, uint32_t addr, type val, uint32_t oi, uintptr_t retaddr);              \
    void name(void *env, uint32_t addr, type val, uint32_t oi, uintptr_t retaddr) {             \
        uintptr_t outer = accessReturn;                                                         \
        accessReturn = retaddr;                                                                 \
        const loaderlab_direct_span *d = direct ? directSpan(addr, bytes, outer != 0) : NULL;               \
        if (d != NULL) {                                                                        \
            d->write(d->uc, addr - d->base, bytes, (uint64_t)val & sizeMask(bytes), d->context); \
        } else {                                                                                \
            LOOK_UP(real_##name, fn, #name)                                                     \
            found(env, addr, val, oi, retaddr);                                                 \
        }                                                                                       \
        accessReturn = outer;                                                                   \
    }

static inline uint64_t sizeMask(unsigned bytes) { return bytes >= 8 ? UINT64_MAX : (UINT64_C(1) << (8 * bytes)) - 1; }

LOAD_WRAPPER(helper_ret_ldub_mmu_arm, true, 1)
LOAD_WRAPPER(helper_le_lduw_mmu_arm, true, 2)
LOAD_WRAPPER(helper_le_ldul_mmu_arm, true, 4)
LOAD_WRAPPER(helper_le_ldq_mmu_arm, false, 8)
LOAD_WRAPPER(helper_be_lduw_mmu_arm, false, 2)
LOAD_WRAPPER(helper_be_ldul_mmu_arm, false, 4)
LOAD_WRAPPER(helper_be_ldq_mmu_arm, false, 8)
STORE_WRAPPER(helper_ret_stb_mmu_arm, store8_fn, uint8_t, true, 1)
STORE_WRAPPER(helper_le_stw_mmu_arm, store16_fn, uint16_t, true, 2)
STORE_WRAPPER(helper_le_stl_mmu_arm, store32_fn, uint32_t, true, 4)
STORE_WRAPPER(helper_le_stq_mmu_arm, store64_fn, uint64_t, false, 8)
STORE_WRAPPER(helper_be_stw_mmu_arm, store16_fn, uint16_t, false, 2)
STORE_WRAPPER(helper_be_stl_mmu_arm, store32_fn, uint32_t, false, 4)
STORE_WRAPPER(helper_be_stq_mmu_arm, store64_fn, uint64_t, false, 8)

static _Atomic(restore_fn) realRestore = NULL;
void restore_state_to_opc_arm(void *env, void *tb, uint32_t *data);
void restore_state_to_opc_arm(void *env, void *tb, uint32_t *data) {
    if (capturing) {
        // data[0]: the instruction's address (target/arm `insn_start`).
        capturedPC = data[0];
        captured = true;
        return;
    }
    LOOK_UP(realRestore, restore_fn, "restore_state_to_opc_arm")
    if (found != NULL) found(env, tb, data);
}

static _Atomic(flush_fn) realFlush = NULL;
void tb_flush_arm(void *cpu);
void tb_flush_arm(void *cpu) {
    atomic_fetch_add_explicit(&flushGeneration, 1, memory_order_relaxed);
    LOOK_UP(realFlush, flush_fn, "tb_flush_arm")
    if (found != NULL) found(cpu);
}

bool loaderlab_access_pc_interposed(void) {
    return loaderlab_store_path_interposed()
        && dlsym(RTLD_DEFAULT, "helper_ret_ldub_mmu_arm") == (void *)&helper_ret_ldub_mmu_arm
        && dlsym(RTLD_DEFAULT, "helper_le_lduw_mmu_arm") == (void *)&helper_le_lduw_mmu_arm
        && dlsym(RTLD_DEFAULT, "helper_le_ldul_mmu_arm") == (void *)&helper_le_ldul_mmu_arm
        && dlsym(RTLD_DEFAULT, "helper_le_ldq_mmu_arm") == (void *)&helper_le_ldq_mmu_arm
        && dlsym(RTLD_DEFAULT, "helper_ret_stb_mmu_arm") == (void *)&helper_ret_stb_mmu_arm
        && dlsym(RTLD_DEFAULT, "helper_le_stw_mmu_arm") == (void *)&helper_le_stw_mmu_arm
        && dlsym(RTLD_DEFAULT, "helper_le_stl_mmu_arm") == (void *)&helper_le_stl_mmu_arm
        && dlsym(RTLD_DEFAULT, "helper_le_stq_mmu_arm") == (void *)&helper_le_stq_mmu_arm
        && dlsym(RTLD_DEFAULT, "restore_state_to_opc_arm") == (void *)&restore_state_to_opc_arm
        && dlsym(RTLD_DEFAULT, "tb_flush_arm") == (void *)&tb_flush_arm;
}

void loaderlab_access_pc_forget(void) { accessReturn = 0; }

bool loaderlab_access_in_progress(void) { return accessReturn != 0; }

bool loaderlab_access_pc(loaderlab_store_path *path, uint32_t *pc) {
    uintptr_t host = accessReturn;
    // No guest access in progress: the host's own read (the debug port) or QEMU's.
    if (host == 0) return false;
    if (path == NULL || path->cpu == NULL) {
        if (path != NULL) path->unresolvedPCs += 1;
        return false;
    }
    uint64_t generation = atomic_load_explicit(&flushGeneration, memory_order_relaxed);
    loaderlab_pc_line *line = &path->pcLines[(host ^ (host >> 12)) & (loaderlab_pc_lines - 1)];
    if (line->host == host && line->generation == generation) {
        *pc = line->pc;
        return true;
    }
    // A GTree search and a walk of the block's search data (translate-all.c), once per access
    // site and translation.
    capturing = true;
    captured = false;
    bool found = cpu_restore_state_arm(path->cpu, host, false);
    capturing = false;
    if (!found || !captured) {
        path->unresolvedPCs += 1;
        return false;
    }
    path->pcLookups += 1;
    line->host = host;
    line->generation = generation;
    line->pc = capturedPC;
    *pc = capturedPC;
    return true;
}

uint64_t loaderlab_access_pc_lookups(const loaderlab_store_path *path) { return path ? path->pcLookups : 0; }
uint64_t loaderlab_access_pc_unresolved(const loaderlab_store_path *path) { return path ? path->unresolvedPCs : 0; }
