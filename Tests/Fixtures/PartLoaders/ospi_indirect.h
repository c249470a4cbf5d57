/* OCTOSPI1 helpers the part-loader fixtures share: bounded waits on SR, the functional
 * mode, ABORT, and the device-range check. The including file defines T_REGISTER (the
 * polling bound for a register transfer) and FLASH_SIZE first. */
#ifndef LOADERLAB_PART_LOADER_OSPI_INDIRECT_H
#define LOADERLAB_PART_LOADER_OSPI_INDIRECT_H
#if !defined(T_REGISTER) || !defined(FLASH_SIZE)
#error "define T_REGISTER and FLASH_SIZE before including ospi_indirect.h"
#endif

static int until_set(uint32_t mask, uint32_t n)
{
    while ((OSPI_SR & mask) == 0) {
        if (--n == 0) return 0;
    }
    return 1;
}

static int until_clear(uint32_t mask, uint32_t n)
{
    while ((OSPI_SR & mask) != 0) {
        if (--n == 0) return 0;
    }
    return 1;
}

static void mode(uint32_t fmode)
{
    OSPI_CR = (OSPI_CR & ~(OSPI_CR_FMODE_MASK | OSPI_CR_APMS | OSPI_CR_PMM)) | fmode;
}

static int abort_transfer(void)
{
    OSPI_CR |= OSPI_CR_ABORT;
    if (!until_set(OSPI_SR_TCF, T_REGISTER)) return 0;
    OSPI_FCR = OSPI_FCR_ALL;
    if (!until_clear(OSPI_SR_BUSY, T_REGISTER)) return 0;
    mode(OSPI_FMODE_IND_WRITE);
    return 1;
}

static int in_device(uint32_t address, uint32_t size)
{
    return address >= OSPI1_MEM_BASE && address - OSPI1_MEM_BASE <= FLASH_SIZE
        && size <= FLASH_SIZE - (address - OSPI1_MEM_BASE);
}
#endif
