#define _GNU_SOURCE
#include "CUnicornStoreLocks.h"
#include <dlfcn.h>
#include <stdatomic.h>
#include <stddef.h>

// Opaque to us: QEMU's `struct uc_struct` and `struct page_collection` (translate-all.c).
struct uc_struct;
struct page_collection;
// tb_page_addr_t is ram_addr_t, a uintptr_t on 64-bit hosts.
typedef uintptr_t loaderlab_tb_page_addr;

static _Thread_local bool skipped = false;
static _Thread_local uint64_t skippedCount = 0;
// What a skipped lock returns; the unlock recognizes it. Callers only hand the collection
// back to page_collection_unlock (unicorn-engine/unicorn#1838 review).
static char skippedCollection;

typedef struct page_collection *(*lock_fn)(struct uc_struct *, loaderlab_tb_page_addr, loaderlab_tb_page_addr);
typedef void (*unlock_fn)(struct page_collection *);

// libunicorn's own definitions, looked up once (every thread finds the same ones).
static _Atomic(lock_fn) realLock = NULL;
static _Atomic(unlock_fn) realUnlock = NULL;

static lock_fn lookUpLock(void) {
    lock_fn found = atomic_load_explicit(&realLock, memory_order_relaxed);
    if (found == NULL) {
        found = (lock_fn)dlsym(RTLD_NEXT, "page_collection_lock_arm");
        atomic_store_explicit(&realLock, found, memory_order_relaxed);
    }
    return found;
}

static unlock_fn lookUpUnlock(void) {
    unlock_fn found = atomic_load_explicit(&realUnlock, memory_order_relaxed);
    if (found == NULL) {
        found = (unlock_fn)dlsym(RTLD_NEXT, "page_collection_unlock_arm");
        atomic_store_explicit(&realUnlock, found, memory_order_relaxed);
    }
    return found;
}

void loaderlab_store_locks_set_skipped(bool value) { skipped = value; }

uint64_t loaderlab_store_locks_skipped_count(void) { return skippedCount; }

struct page_collection *page_collection_lock_arm(struct uc_struct *uc, loaderlab_tb_page_addr start,
                                                 loaderlab_tb_page_addr end);
void page_collection_unlock_arm(struct page_collection *set);

bool loaderlab_store_locks_interposed(void) {
    return dlsym(RTLD_DEFAULT, "page_collection_lock_arm") == (void *)&page_collection_lock_arm;
}

struct page_collection *page_collection_lock_arm(struct uc_struct *uc, loaderlab_tb_page_addr start,
                                                 loaderlab_tb_page_addr end) {
    lock_fn real = skipped ? NULL : lookUpLock();
    if (real == NULL) {
        skippedCount += 1;
        return (struct page_collection *)&skippedCollection;
    }
    return real(uc, start, end);
}

void page_collection_unlock_arm(struct page_collection *set) {
    if (set == (struct page_collection *)&skippedCollection) return;
    unlock_fn real = lookUpUnlock();
    if (real != NULL) real(set);
}
