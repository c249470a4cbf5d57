#ifndef LOADERLAB_CBUSWINDOW_H
#define LOADERLAB_CBUSWINDOW_H
// A peripheral's hot registers answered in C, before Unicorn's MMIO callback reaches Swift.
//
// A loader that moves one byte per data-register access (ST's HAL_OSPI_Transmit/Receive:
// read SR for FTF, then one DR access, per byte) makes millions of MMIO accesses whose
// answers a model can state in advance: while an indirect transfer is under way the status
// register reads the same and the data register only appends or consumes bytes. The model
// describes that state as a window (`loaderlab_bus_window`); these callbacks serve the
// accesses it covers and give every other access, and every one the window cannot vouch
// for, to the Swift callbacks, which first close the window: the model takes back the bytes
// moved and the machine its counters (accesses, poll runs, the wait-loop fold's cooldown),
// so the models and the machine see exactly what the Swift path alone would have made them
// see.
#include <stdbool.h>
#include <stdint.h>

// Unicorn's engine, opaque here: the CUnicorn module owns unicorn.h's declarations, and a
// second module including it would make every Unicorn name in Swift ambiguous.
struct uc_struct;
typedef uint64_t (*loaderlab_mmio_read_fn)(struct uc_struct *uc, uint64_t offset, unsigned size, void *user_data);
typedef void (*loaderlab_mmio_write_fn)(struct uc_struct *uc, uint64_t offset, unsigned size, uint64_t value, void *user_data);

/// Reads of one register while the window was open, as `PollWatch` counts them.
typedef struct loaderlab_poll_tally {
    uint64_t count;
    /// Reads in a row, up to the last, that returned `tailValue`.
    uint64_t tailRun;
    uint32_t tailValue;
    uint32_t lastPC;
} loaderlab_poll_tally;

/// How an instruction computes its address (`LoadStoreDecoder.Recipe`), for the Device
/// alignment rule: Unicorn splits an unaligned access before a callback sees it.
typedef struct loaderlab_access_recipe {
    uint32_t pc;
    bool valid;
    /// The instruction is a load/store the decoder covers (else no alignment check applies).
    bool decoded;
    bool isWrite;
    uint8_t bytes;
    /// 0-14 a register, 15 the literal base Align(PC, 4) + 4.
    uint8_t base;
    /// 0xFF: an immediate offset; else Rm, shifted left by `shift`.
    uint8_t index;
    uint8_t shift;
    int32_t immediate;
} loaderlab_access_recipe;

enum { loaderlab_recipe_slots = 64, loaderlab_window_none = 0, loaderlab_window_write = 1, loaderlab_window_read = 2 };

typedef struct loaderlab_bus_window {
    bool armed;
    /// The span the peripheral is in, and its offsets there.
    const void *span;
    uint32_t low, high;
    /// Bus address of the span's offset 0 (poll runs are kept by address).
    uint32_t spanBase;
    /// ARMv8-M Device memory: accesses must be naturally aligned.
    bool isDevice;
    /// Word reads at `statusOffset` return `statusValue`.
    bool serveStatus;
    uint32_t statusOffset, statusValue;
    /// Accesses at `dataOffset` move bytes at `data[position]` (appended or consumed) while
    /// `position + size <= limit`.
    uint8_t direction;
    bool serveDataReads;
    uint32_t dataOffset;
    uint8_t *data;
    uint32_t position, limit;
    /// The wait-loop fold's idle phase (`Machine.foldBeforeAccess`): reads left to let pass,
    /// and what ends the window's say in it: a read once the cooldown is over when the
    /// model's answers change at a known instant (`quietFinite`), or one that would start a
    /// search for a stuck loop (`quietNever`: `stuckReads` same reads in a row at one address).
    uint64_t cooldown;
    bool foldWatches, quietNever, quietFinite;
    uint64_t stuckReads;
    /// `PollWatch`'s streak, carried through the window.
    uint64_t streak;
    uint32_t streakAddress, streakValue;
    loaderlab_poll_tally statusReads, dataReads;
    uint64_t accesses;
    uint32_t lastPC;
} loaderlab_bus_window;

/// One per machine.
typedef struct loaderlab_bus {
    /// The PC of the instruction in progress (`loaderlab_hot_state.lastPC`): the
    /// per-instruction hook's, or, with `pcFromHost`, set here at each access.
    uint32_t *lastPC;
    /// No per-instruction hook runs: each MMIO access takes its PC from the host code that
    /// made it (`loaderlab_access_pc`, the machine's store path `pcSource`).
    bool pcFromHost;
    void *pcSource;
    /// The access the Swift callback is handed is whole and naturally aligned (it came by the
    /// direct route): no decode is needed to rule out an unaligned Device access.
    bool alignedAccess;
    loaderlab_bus_window window;
    loaderlab_access_recipe recipes[loaderlab_recipe_slots];
} loaderlab_bus;

/// The user data of one `uc_mmio_map` region.
typedef struct loaderlab_mmio_span {
    loaderlab_bus *bus;
    void *swiftSpan;
    loaderlab_mmio_read_fn read;
    loaderlab_mmio_write_fn write;
} loaderlab_mmio_span;

uint64_t loaderlab_mmio_read(struct uc_struct *uc, uint64_t offset, unsigned size, void *span);
void loaderlab_mmio_write(struct uc_struct *uc, uint64_t offset, unsigned size, uint64_t value, void *span);
/// The same, for an access known to be whole and naturally aligned (`CUnicornStores`'
/// direct route): what the recipe decode establishes is given.
uint64_t loaderlab_mmio_read_aligned(struct uc_struct *uc, uint64_t offset, unsigned size, void *span);
void loaderlab_mmio_write_aligned(struct uc_struct *uc, uint64_t offset, unsigned size, uint64_t value, void *span);

/// The recipe slot for `pc` (the machine fills it when it decodes an instruction).
static inline loaderlab_access_recipe *loaderlab_recipe_slot(loaderlab_bus *bus, uint32_t pc) {
    return &bus->recipes[(pc >> 1) & (loaderlab_recipe_slots - 1)];
}
/// With `pcFromHost`: `lastPC` becomes the PC of the guest load or store in progress
/// (`loaderlab_access_pc`); unchanged when there is none. Each MMIO callback does it first.
void loaderlab_bus_take_access_pc(loaderlab_bus *bus);

/// Drops the translated blocks of `uc` that cover [begin, end) (`UC_CTL_TB_REMOVE_CACHE`):
/// hooks added since apply to that code from here. (A whole-cache flush would clear all of
/// Unicorn 2.0.1's 1 GiB code buffer.)
void loaderlab_forget_translations(struct uc_struct *uc, uint64_t begin, uint64_t end);
#endif
