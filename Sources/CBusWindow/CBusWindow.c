#include "CBusWindow.h"
#include <unicorn/unicorn.h>
#include "CUnicornStores.h"

// Whether the access the instruction at `pc` makes is naturally aligned, as far as the
// recipe the machine decoded for it can tell (`Machine.misalignedDeviceAccess`). No recipe
// yet for this PC: the window cannot vouch, and the Swift path decodes it.
static bool vouchesAlignment(uc_engine *uc, loaderlab_bus *bus, uint32_t pc, bool write) {
    const loaderlab_access_recipe *r = loaderlab_recipe_slot(bus, pc);
    if (!r->valid || r->pc != pc) return false;
    if (!r->decoded || r->bytes <= 1 || r->isWrite != write) return true;
    uint32_t base = 0, index = 0;
    if (r->base == 15) {
        base = (pc + 4) & ~3u;
    } else if (uc_reg_read(uc, r->base == 13 ? UC_ARM_REG_SP : r->base == 14 ? UC_ARM_REG_LR : UC_ARM_REG_R0 + r->base, &base) != UC_ERR_OK) {
        return false;
    }
    uint32_t address;
    if (r->index == 0xFF) {
        address = base + (uint32_t)r->immediate;
    } else {
        if (r->index > 12 || uc_reg_read(uc, UC_ARM_REG_R0 + r->index, &index) != UC_ERR_OK) return false;
        address = base + (index << r->shift);
    }
    return (address & (uint32_t)(r->bytes - 1)) == 0;
}

static inline bool plainWidth(unsigned size) { return size == 1 || size == 2 || size == 4; }

static inline void countRead(loaderlab_bus_window *w, loaderlab_poll_tally *tally, uint32_t address, uint32_t value, uint32_t pc) {
    if (address == w->streakAddress && value == w->streakValue) {
        w->streak += 1;
    } else {
        w->streakAddress = address;
        w->streakValue = value;
        w->streak = 1;
    }
    if (tally->count == 0 || value != tally->tailValue) {
        tally->tailValue = value;
        tally->tailRun = 1;
    } else {
        tally->tailRun += 1;
    }
    tally->count += 1;
    tally->lastPC = pc;
    w->accesses += 1;
    w->lastPC = pc;
}

void loaderlab_bus_take_access_pc(loaderlab_bus *bus) {
    uint32_t pc;
    if (bus->pcFromHost && loaderlab_access_pc((loaderlab_store_path *)bus->pcSource, &pc)) *bus->lastPC = pc;
}

// `aligned`: the caller knows the access is a whole, naturally aligned one (the direct route
// of `CUnicornStores`), so no decode is needed to vouch for it.
static inline uint64_t mmioRead(uc_engine *uc, uint64_t offset, unsigned size, void *context, bool aligned) {
    loaderlab_mmio_span *span = (loaderlab_mmio_span *)context;
    loaderlab_bus_take_access_pc(span->bus);
    loaderlab_bus_window *w = &span->bus->window;
    if (!w->armed || w->span != span || offset < w->low || offset >= w->high) goto slow;
    uint32_t off = (uint32_t)offset;
    bool status = w->serveStatus && off == w->statusOffset && size == 4;
    bool data = !status && w->serveDataReads && w->direction == loaderlab_window_read && off == w->dataOffset
        && plainWidth(size) && w->position + size <= w->limit;
    if (!status && !data) goto slow;
    uint32_t pc = *span->bus->lastPC;
    if (w->isDevice && size > 1 && !aligned && !vouchesAlignment(uc, span->bus, pc, false)) goto slow;
    uint32_t address = w->spanBase + off;
    // Where the Swift path could start a wait-loop search, it decides.
    if (w->foldWatches && w->cooldown == 0) {
        if (w->quietFinite) goto slow;
        if (w->quietNever && w->streak >= w->stuckReads && w->streakAddress == address) goto slow;
    }
    if (w->foldWatches && w->cooldown > 0) w->cooldown -= 1;
    uint32_t value;
    if (status) {
        value = w->statusValue;
        countRead(w, &w->statusReads, address, value, pc);
    } else {
        value = 0;
        for (unsigned i = 0; i < size; i++) value |= (uint32_t)w->data[w->position + i] << (8 * i);
        w->position += size;
        countRead(w, &w->dataReads, address, value, pc);
    }
    return value;
slow:
    span->bus->alignedAccess = aligned;
    uint64_t answer = span->read(uc, offset, size, span->swiftSpan);
    span->bus->alignedAccess = false;
    return answer;
}

static inline void mmioWrite(uc_engine *uc, uint64_t offset, unsigned size, uint64_t value, void *context, bool aligned) {
    loaderlab_mmio_span *span = (loaderlab_mmio_span *)context;
    loaderlab_bus_take_access_pc(span->bus);
    loaderlab_bus_window *w = &span->bus->window;
    if (!w->armed || w->span != span || w->direction != loaderlab_window_write || offset != w->dataOffset
        || !plainWidth(size) || w->position + size > w->limit) goto slow;
    uint32_t pc = *span->bus->lastPC;
    // A 1-byte store may be one piece of an unaligned wider one.
    if (w->isDevice && size == 1 && !aligned && !vouchesAlignment(uc, span->bus, pc, true)) goto slow;
    for (unsigned i = 0; i < size; i++) w->data[w->position + i] = (uint8_t)(value >> (8 * i));
    w->position += size;
    w->streak = 0;
    w->accesses += 1;
    w->lastPC = pc;
    return;
slow:
    span->bus->alignedAccess = aligned;
    span->write(uc, offset, size, value, span->swiftSpan);
    span->bus->alignedAccess = false;
}

uint64_t loaderlab_mmio_read(uc_engine *uc, uint64_t offset, unsigned size, void *context) {
    return mmioRead(uc, offset, size, context, false);
}

void loaderlab_mmio_write(uc_engine *uc, uint64_t offset, unsigned size, uint64_t value, void *context) {
    mmioWrite(uc, offset, size, value, context, false);
}

uint64_t loaderlab_mmio_read_aligned(uc_engine *uc, uint64_t offset, unsigned size, void *context) {
    return mmioRead(uc, offset, size, context, true);
}

void loaderlab_mmio_write_aligned(uc_engine *uc, uint64_t offset, unsigned size, uint64_t value, void *context) {
    mmioWrite(uc, offset, size, value, context, true);
}

void loaderlab_forget_translations(uc_engine *uc, uint64_t begin, uint64_t end) {
    uc_ctl(uc, UC_CTL_WRITE(UC_CTL_TB_REMOVE_CACHE, 2), begin, end);
}
