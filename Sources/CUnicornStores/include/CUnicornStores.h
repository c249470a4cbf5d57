#ifndef LOADERLAB_CUNICORN_STORES_H
#define LOADERLAB_CUNICORN_STORES_H
#include <stdbool.h>
#include <stdint.h>

// How Unicorn 2.0.1 takes a guest store to RAM, and the two shortcuts the lab takes around it.
//
// Unicorn 2.0.1 stubs out QEMU's dirty-memory tracking (`cpu_physical_memory_is_clean` is
// always true, `cpu_physical_memory_test_and_clear_dirty` does nothing), so every TLB entry
// for RAM keeps TLB_NOTDIRTY and every guest store leaves the translated code for
// `store_helper` (a region search, the hook list) and `notdirty_write`, which builds and
// frees a GLib tree of page locks (`page_collection_lock`/`unlock`) around the
// self-modifying-code check (`tb_invalidate_phys_page_fast`), whether or not the page holds
// code. Upstream QEMU marks a page dirty after its first store and sends later stores down
// the inline fast path until code is translated there again.
//
// This target defines libunicorn functions that libunicorn itself calls through its PLT, so
// that the dynamic linker binds those calls here (Linux/ELF; elsewhere nothing changes), and
// forwards each to libunicorn's own (`dlsym(RTLD_NEXT)`):
// - `page_collection_lock_arm`/`unlock`: the bookkeeping is skipped, as Unicorn 2.0.2 does
//   (unicorn-engine/unicorn#1838: its page locks do nothing, one vCPU runs);
// - `get_page_addr_code_arm`, which QEMU calls for a page before it looks up or translates
//   code there: the page is recorded as a code page and its TLB entry flushed;
// - `tlb_set_page_with_attrs_arm`, every TLB fill: a RAM page that never held code gets its
//   write entry marked dirty (libunicorn's exported `tlb_set_dirty_arm`, what QEMU's own
//   `notdirty_write` calls for a clean page), so stores to it take the inline fast path.
//   Pages that hold code keep TLB_NOTDIRTY: a store there still invalidates translations.
//
// Each shortcut applies only on the thread that entered a machine's store path and only for
// that machine's engine; a memory hook that must see every store turns the fast path off
// (Unicorn calls UC_HOOK_MEM_WRITE hooks from `store_helper`, which a fast-path store of
// code translated before the hook was added never reaches).

typedef struct loaderlab_store_path loaderlab_store_path;
// Unicorn's engine, opaque here (as in CBusWindow.h).
struct uc_struct;

/// One per Unicorn engine: the code pages its translations came from.
loaderlab_store_path *loaderlab_store_path_create(void);
void loaderlab_store_path_destroy(loaderlab_store_path *path);

/// Guest code of `path`'s engine runs on this thread until `loaderlab_store_path_leave`.
/// `skipLocks`: skip the page-lock bookkeeping; `fastStores`: let stores to RAM pages that
/// hold no code take the inline path; `directMMIO`: route aligned accesses to the direct
/// spans straight to their callbacks (below).
void loaderlab_store_path_enter(loaderlab_store_path *path, bool skipLocks, bool fastStores, bool directMMIO);
void loaderlab_store_path_leave(void);

/// Turns the fast path off (every store to RAM back through `store_helper`, the TLB
/// flushed so that entries made dirty are refilled clean) or on again, for the engine that
/// runs on this thread. Safe inside an MMIO callback.
void loaderlab_store_path_set_fast_stores(bool allowed);

/// True when libunicorn's calls reach the definitions here (Linux, ELF interposition).
bool loaderlab_store_path_interposed(void);

/// Guest stores that went through `notdirty_write` on this thread while locks were skipped.
uint64_t loaderlab_store_path_slow_stores(void);

/// Code pages recorded for `path` (tests: a page becomes one when code runs from it).
uint64_t loaderlab_store_path_code_pages(const loaderlab_store_path *path);

/// TLB fills `path`'s engine made dirty (tests: the fast path is live).
uint64_t loaderlab_store_path_dirty_fills(const loaderlab_store_path *path);

// The PC of the guest access in progress, without a per-instruction hook. The softmmu
// helpers the translated code calls for loads and stores it cannot finish inline (MMIO among
// them) are defined here too: each records the host return address into the translated
// block, and `cpu_restore_state` maps it to the guest instruction (QEMU's own way to find the
// faulting instruction), with `restore_state_to_opc_arm` interposed so that the lookup
// records the PC instead of writing the CPU state. Lines are cached by host address until the
// translation cache is flushed (`tb_flush_arm`, interposed: only a flush reuses the code buffer).

/// True when the helpers, `restore_state_to_opc_arm` and `tb_flush_arm` are bound here too.
bool loaderlab_access_pc_interposed(void);

/// The guest PC of the load or store in progress on this thread, for `path`'s engine. False
/// (and counted) when there is none: an access QEMU made itself, or an unknown host address.
bool loaderlab_access_pc(loaderlab_store_path *path, uint32_t *pc);

/// No access is in progress (QEMU may now make its own, such as exception stacking).
void loaderlab_access_pc_forget(void);

/// Whether a guest load or store is in progress on this thread (a callback runs inside it).
bool loaderlab_access_in_progress(void);

/// Host addresses looked up through `cpu_restore_state` (tests: the cache works).
uint64_t loaderlab_access_pc_lookups(const loaderlab_store_path *path);
/// Guest accesses whose PC could not be found (tests: zero).
uint64_t loaderlab_access_pc_unresolved(const loaderlab_store_path *path);

// MMIO without Unicorn's dispatch. For an access to a region mapped with `uc_mmio_map`,
// libunicorn's load/store helper searches its regions (`memory_mapping`), walks its hook
// lists, finds the section of the TLB entry (`iotlb_to_section`), checks the access against
// the region's rules (`memory_region_access_valid`) and dispatches through QEMU's memory API
// to the region's callback: about a sixth of the session of a loader that moves a byte per
// register access. Where none of that can change the outcome, the interposed helper calls
// the region's callback itself, with the offset and the size-masked value QEMU's dispatch
// would give it:
// - the access is naturally aligned (QEMU splits an unaligned one into two aligned ones of
//   its size before the dispatch; those go the whole way);
// - the address is in a span registered here, which the caller mapped with `uc_mmio_map`
//   with the same callbacks and context, below the System PPB (where QEMU's default memory
//   map refuses unprivileged accesses): with QEMU's MPU and SAU never enabled (the lab models
//   the System Control Space itself) the TLB fill for it cannot fault;
// - no memory hook covers it (`UC_HOOK_MEM_READ`, `_WRITE`, `_READ_AFTER`): the caller turns
//   the route off for a run in which one may be present (`directMMIO`,
//   `loaderlab_store_path_set_direct_mmio`);
// - the helper is a little-endian or byte one (M-profile data is little-endian).

typedef uint64_t (*loaderlab_direct_read_fn)(struct uc_struct *uc, uint64_t offset, unsigned size, void *context);
typedef void (*loaderlab_direct_write_fn)(struct uc_struct *uc, uint64_t offset, unsigned size, uint64_t value, void *context);

/// Registers [base, base + size) of `uc`'s MMIO region with its callbacks and context. False
/// when the span is not eligible (reaches the System PPB at 0xE000_0000) or the table is full:
/// its accesses keep Unicorn's dispatch.
bool loaderlab_store_path_add_direct_span(loaderlab_store_path *path, struct uc_struct *uc, uint32_t base, uint32_t size,
                                          loaderlab_direct_read_fn read, loaderlab_direct_write_fn write, void *context);

/// Turns the direct route off or on for the run on this thread (a memory hook added or
/// removed inside it). Safe inside an MMIO callback.
void loaderlab_store_path_set_direct_mmio(bool allowed);

/// Accesses `path`'s engine made through the direct route (tests: it is live).
uint64_t loaderlab_store_path_direct_accesses(const loaderlab_store_path *path);
#endif
