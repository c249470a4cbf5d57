// What Embedded Swift cannot express: three Cortex-M instructions and the addresses of
// symbols the linker script (Firmware/loader.ld) defines. Everything is static inline, so
// it is compiled into the Swift module and no C object carries code of its own.
#ifndef LOADER_SUPPORT_H
#define LOADER_SUPPORT_H

// Defined by loader.ld: the loader's zero-initialised data, and the BoardConfig block.
extern unsigned char __loader_bss_start[];
extern unsigned char __loader_bss_end[];
extern unsigned char __loader_board_config[];

/// PRIMASK = 1: CubeProgrammer forbids interrupts in external loaders (since v2.7.0).
static inline void loader_disable_interrupts(void) { __asm__ volatile("cpsid i" ::: "memory"); }

/// Data synchronisation barrier: register writes have reached the peripheral.
static inline void loader_dsb(void) { __asm__ volatile("dsb sy" ::: "memory"); }

/// Instruction synchronisation barrier.
static inline void loader_isb(void) { __asm__ volatile("isb sy" ::: "memory"); }

static inline unsigned int loader_bss_start(void) { return (unsigned int)__loader_bss_start; }
static inline unsigned int loader_bss_end(void) { return (unsigned int)__loader_bss_end; }

/// The address of the BoardConfig block, taken from the linker so that the optimizer
/// cannot see (and constant-fold) the block's contents: `loaderlab make-loader` patches
/// those bytes in the ELF file after linking.
static inline unsigned int loader_board_config_address(void) { return (unsigned int)__loader_board_config; }

#endif
