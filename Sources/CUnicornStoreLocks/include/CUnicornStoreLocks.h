#ifndef LOADERLAB_CUNICORN_STORE_LOCKS_H
#define LOADERLAB_CUNICORN_STORE_LOCKS_H
#include <stdbool.h>
#include <stdint.h>

// Unicorn 2.0.1 takes every guest store to RAM through QEMU's notdirty_write, which builds and
// frees a GLib tree of page locks (page_collection_lock/unlock) around each store even though
// Unicorn's page locks do nothing (it runs one vCPU). Unicorn 2.0.2 dropped that bookkeeping
// (unicorn-engine/unicorn#1838, "Ignore page_collection_lock"); Debian 12 ships 2.0.1. This
// target defines the two functions so that the dynamic linker binds libunicorn's calls to them
// (its internal calls go through the PLT), and, while the calling thread has asked for it,
// skips the bookkeeping; otherwise it forwards to libunicorn's own. The self-modifying-code
// check itself (tb_invalidate_phys_page_fast) runs either way.

/// Skip the page-lock bookkeeping for guest stores run on this thread.
void loaderlab_store_locks_set_skipped(bool skipped);

/// True when libunicorn's calls reach the definitions here (Linux, ELF interposition).
bool loaderlab_store_locks_interposed(void);

/// Lock collections skipped on this thread so far (tests: the shortcut is live).
uint64_t loaderlab_store_locks_skipped_count(void);
#endif
