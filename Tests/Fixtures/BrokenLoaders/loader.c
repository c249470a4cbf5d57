/* LoaderLab fixture: a bare-metal STM32CubeProgrammer external loader for an
 * STM32U5G7 + ISSI IS25LP512M (64 MiB quad NOR) on OCTOSPI1 / OCTOSPIM port 1.
 *
 * Built without any BUG_* flag this is the correct baseline
 * (build/broken/ok_c_baseline.stldr). Each BUG_* flag switches in exactly one
 * mistake that people really make (see README.md); everything else stays the
 * baseline so that the mistake is the first thing that goes wrong.
 *
 * Contract: /work/shared/reference/cubeprogrammer-loader.md §1.2-§1.4.
 * Registers: stm32u5.md §B. Flash commands: is25lp512m.md §A.3-§A.7.
 *
 * Board wiring (Boards/stm32u5g7-is25lp512m.json): OCTOSPI1 on OCTOSPIM
 * port 1, NCS PA2, CLK PB10, IO0 PE12, IO1 PB0, IO2 PE14, IO3 PE15, all AF10.
 *
 * Clock: the 4 MHz MSIS reset clock is kept (connect-under-reset), OCTOSPI
 * kernel = SYSCLK, prescaler 1, so the flash runs at 4 MHz: far below every
 * limit in is25lp512m.md §A.2 and no PWR/flash-latency changes are needed.
 */
#include <stdint.h>
#include "regs.h"

#ifndef DEVICE_NAME
#error "pass -DDEVICE_NAME=\"<file stem>\": CubeProgrammer >= 2.18 requires DeviceName == file stem"
#endif

#define LOADER_OK   1u
#define LOADER_FAIL 0u

/* ---------------------------------------------------------------------- */
/* StorageInfo (cubeprogrammer-loader.md §1.2)                             */
/* ---------------------------------------------------------------------- */

#define NOR_FLASH   3
#ifdef BUG_SI_LAYOUT
/* Mistake: "two entries are enough for one sector type plus the terminator". */
#define SECTOR_NUM  2
#else
#define SECTOR_NUM  10
#endif

struct DeviceSectors {
    uint32_t SectorNum;
    uint32_t SectorSize;
};

struct StorageInfo {
    char     DeviceName[100];
    uint16_t DeviceType;
    uint32_t DeviceStartAddress;
    uint32_t DeviceSize;
    uint32_t PageSize;
    uint8_t  EraseValue;
    struct DeviceSectors sectors[SECTOR_NUM];
};

#ifndef BUG_SI_LAYOUT
_Static_assert(sizeof(struct StorageInfo) == 200, "StorageInfo must be exactly 200 bytes");
#endif

#define FLASH_SIZE   0x04000000u   /* 64 MiB */
#define PAGE_SIZE    0x100u
#define SECTOR_SIZE  0x1000u

#ifdef BUG_SI_MISSING
/* Mistake: the section attribute was dropped when Dev_Inf.c was merged into
 * loader.c, so nothing references the object and --gc-sections removes it. */
const struct StorageInfo StorageInfo = {
#else
__attribute__((section(".Dev_info"), used))
const struct StorageInfo StorageInfo = {
#endif
    DEVICE_NAME,
    NOR_FLASH,
    OSPI1_MEM_BASE,
    FLASH_SIZE,
    PAGE_SIZE,
    0xFF,
#ifdef BUG_SECTOR_TABLE_4M
    /* Mistake: the sector count of the 4 MiB part the loader was cut from. */
    { { 0x400000u / SECTOR_SIZE, SECTOR_SIZE }, { 0, 0 } },
#else
    { { FLASH_SIZE / SECTOR_SIZE, SECTOR_SIZE }, { 0, 0 } },
#endif
};

/* ---------------------------------------------------------------------- */
/* Small runtime: no libc                                                  */
/* ---------------------------------------------------------------------- */

extern uint32_t __bss_start__[];
extern uint32_t __bss_end__[];

__attribute__((unused)) static void zero_bss(void)
{
    for (volatile uint32_t *p = __bss_start__; p < __bss_end__; p++) {
        *p = 0;
    }
}

/* Busy-wait counted in loop iterations: the loader cannot use SysTick
 * interrupts (cubeprogrammer-loader.md §1.4 "Interrupts"). */
__attribute__((unused)) static void spin(uint32_t iterations)
{
    for (volatile uint32_t i = 0; i < iterations; i++) {
    }
}

/* ---------------------------------------------------------------------- */
/* Timeouts, in polling-loop iterations. One iteration is at least three    */
/* instructions, so at the 4 MHz reset clock N iterations last >= N*0.75 us.*/
/* Values are several times the IS25LP512M maxima (is25lp512m.md §A.6).     */
/* ---------------------------------------------------------------------- */

#define T_REGISTER      100000u        /* OCTOSPI flags that follow a command */
#define T_PAGE_PROGRAM  100000u        /* tPP max 0.8 ms  -> >= 75 ms         */
#define T_WRSR          100000u        /* non-volatile SR write, ms range     */
#define T_SECTOR_ERASE  4000000u       /* tSE max 300 ms  -> >= 3 s           */
#define T_CHIP_ERASE    600000000u     /* tCE max ~270 s  -> >= 450 s         */

static int wait_set(uint32_t mask, uint32_t timeout)
{
    while ((OSPI_SR & mask) == 0) {
        if (--timeout == 0) {
            return 0;
        }
    }
    return 1;
}

static int wait_clear(uint32_t mask, uint32_t timeout)
{
    while ((OSPI_SR & mask) != 0) {
        if (--timeout == 0) {
            return 0;
        }
    }
    return 1;
}

/* ---------------------------------------------------------------------- */
/* IS25LP512M commands (is25lp512m.md §A.3)                                */
/* ---------------------------------------------------------------------- */

#define CMD_RESET_ENABLE  0x66u
#define CMD_RESET         0x99u
#define CMD_RDID          0x9Fu
#define CMD_RDSR          0x05u
#define CMD_WRSR          0x01u
#define CMD_WREN          0x06u
#define CMD_CHIP_ERASE    0xC7u
#ifdef BUG_ADDRESS_WIDTH
/* Mistake: the 3-byte-address opcodes from a 16 MiB part's driver. */
#define CMD_QUAD_PROGRAM  0x32u
#define CMD_SECTOR_ERASE  0x20u
#define CMD_QUAD_READ     0x6Bu
#define CCR_ADSIZE        CCR_ADSIZE_24
#else
#define CMD_QUAD_PROGRAM  0x34u   /* 4PPQ, 32-bit address */
#define CMD_SECTOR_ERASE  0x21u   /* 4SER 4 KiB, 32-bit address */
#define CMD_QUAD_READ     0x6Cu   /* 4QOR 1-1-4, 32-bit address, 8 dummies */
#define CCR_ADSIZE        CCR_ADSIZE_32
#endif
#define CMD_BLOCK_ERASE64 0xDCu   /* 4BER 64 KiB, 32-bit address */
#define CMD_WRITE_BANK    0x17u   /* volatile bank address register, no WREN */
#define CMD_ENTER_4B      0xB7u

/* Program command and its data lines: 34h 1-1-4 by default; PROG_12 uses the
 * single-line 12h, PROG_3E the other 4-byte quad program opcode. */
#if defined(PROG_12) && !defined(BUG_ADDRESS_WIDTH)
#undef CMD_QUAD_PROGRAM
#define CMD_QUAD_PROGRAM  0x12u
#define CCR_PROG_DMODE    CCR_DMODE_1
#elif defined(PROG_3E) && !defined(BUG_ADDRESS_WIDTH)
#undef CMD_QUAD_PROGRAM
#define CMD_QUAD_PROGRAM  0x3Eu
#define CCR_PROG_DMODE    CCR_DMODE_4
#else
#define CCR_PROG_DMODE    CCR_DMODE_4
#endif
/* Address width of each command family (all 32-bit in the baseline). */
#define CCR_PROG_ADSIZE   CCR_ADSIZE
#define CCR_ERASE_ADSIZE  CCR_ADSIZE
#define CCR_READ_ADSIZE   CCR_ADSIZE
#if defined(BUG_ADDRESS_PROGRAM_3B)
/* Mistake: "02h is the page program" (a 16 MiB part's 1-1-1 program with a
 * 3-byte address), while erase and read use the 4-byte opcodes. */
#undef CMD_QUAD_PROGRAM
#undef CCR_PROG_DMODE
#undef CCR_PROG_ADSIZE
#define CMD_QUAD_PROGRAM  0x02u
#define CCR_PROG_DMODE    CCR_DMODE_1
#define CCR_PROG_ADSIZE   CCR_ADSIZE_24
#elif defined(BUG_ERASE_3B)
/* Mistake: the 3-byte 20h sector erase kept from the old driver. */
#undef CMD_SECTOR_ERASE
#undef CCR_ERASE_ADSIZE
#define CMD_SECTOR_ERASE  0x20u
#define CCR_ERASE_ADSIZE  CCR_ADSIZE_24
#elif defined(BUG_MMAP_ADSIZE24)
/* Mistake: memory-mapped 6Ch with the 24-bit address size of the old driver. */
#undef CCR_READ_ADSIZE
#define CCR_READ_ADSIZE   CCR_ADSIZE_24
#elif defined(BUG_STALE_BANK) || defined(OK_BANK)
/* 3-byte 32h with the bank address register (17h) for bits 25:24. */
#undef CMD_QUAD_PROGRAM
#undef CCR_PROG_ADSIZE
#define CMD_QUAD_PROGRAM  0x32u
#define CCR_PROG_ADSIZE   CCR_ADSIZE_24
#elif defined(OK_4BYTE_MODE)
/* 4-byte address mode (B7h): the 3-byte opcodes then take 32-bit addresses,
 * as the W25Q512 community loader does. */
#undef CMD_QUAD_PROGRAM
#undef CMD_SECTOR_ERASE
#undef CMD_QUAD_READ
#define CMD_QUAD_PROGRAM  0x32u
#define CMD_SECTOR_ERASE  0x20u
#define CMD_QUAD_READ     0x6Bu
#endif
#ifdef READ_1_1_1
/* Memory-mapped Fast Read 4B (0Ch, 1-1-1, 8 dummies by default). */
#undef CMD_QUAD_READ
#define CMD_QUAD_READ     0x0Cu
#define CCR_READ_DMODE    CCR_DMODE_1
#else
#define CCR_READ_DMODE    CCR_DMODE_4
#endif

#define SR_WIP  0x01u
#define SR_WEL  0x02u
#define SR_BP   0x3Cu
#define SR_QE   0x40u
#define SR_SRWD 0x80u

/* Read Register left at its reset value (DC = 0000): 6Ch then uses its
 * default of 8 dummy clocks (is25lp512m.md §A.4, §A.7 item 5). The reset
 * command 66h/99h in Init restores that default whatever ran before. */
#ifndef MMAP_DUMMY_CYCLES
#ifdef BUG_DUMMY_CYCLES
/* Mistake: 6 dummy clocks copied from the EBh (quad I/O) row. */
#define MMAP_DUMMY_CYCLES 6u
#else
#define MMAP_DUMMY_CYCLES 8u
#endif
#endif

/* ---------------------------------------------------------------------- */
/* OCTOSPI1 indirect mode (stm32u5.md §B.2 "When a transfer starts")        */
/* ---------------------------------------------------------------------- */

static void set_fmode(uint32_t fmode)
{
    OSPI_CR = (OSPI_CR & ~(OSPI_CR_FMODE_MASK | OSPI_CR_APMS | OSPI_CR_PMM)) | fmode;
}

/* One command. The transfer starts on the AR write when there is an address
 * phase, else on the IR write; an indirect write with data starts on DR. */
static int ospi_command(uint32_t ccr, uint32_t instruction, uint32_t address,
                        uint32_t dummy, int read, uint8_t *data, uint32_t length)
{
#if !defined(BUG_MMP_NO_WAIT) && !defined(BUG_MMP_ABORT_LATE)
    if (!wait_clear(OSPI_SR_BUSY, T_REGISTER)) {
        return 0;
    }
#endif
    set_fmode(read ? OSPI_FMODE_IND_READ : OSPI_FMODE_IND_WRITE);
    OSPI_CCR = ccr;
    OSPI_TCR = dummy;
    if (length != 0) {
        OSPI_DLR = length - 1;
    }
    OSPI_IR = instruction;
    if ((ccr & (7u << 8)) != 0) {
        OSPI_AR = address;
    }
    for (uint32_t i = 0; i < length; i++) {
        /* FTF: room in the FIFO (write) or a byte available (read). */
        if (!wait_set(read ? (OSPI_SR_FTF | OSPI_SR_TCF) : OSPI_SR_FTF, T_REGISTER)) {
            return 0;
        }
        if (read) {
            data[i] = OSPI_DR8;
        } else {
            OSPI_DR8 = data[i];
        }
    }
    if (!wait_set(OSPI_SR_TCF, T_REGISTER)) {
        return 0;
    }
    OSPI_FCR = OSPI_FCR_ALL;
    return (OSPI_SR & OSPI_SR_TEF) == 0;
}

static int flash_simple(uint32_t instruction)
{
    return ospi_command(CCR_IMODE_1, instruction, 0, 0, 0, 0, 0);
}

static int flash_read_reg(uint32_t instruction, uint8_t *out, uint32_t length)
{
    return ospi_command(CCR_IMODE_1 | CCR_DMODE_1, instruction, 0, 0, 1, out, length);
}

static int flash_write_enable(void)
{
    return flash_simple(CMD_WREN);
}

/* Auto-polling on RDSR until (SR & mask) == match (stm32u5.md §B.2). */
static int autopoll_start(uint32_t mask, uint32_t match)
{
    if (!wait_clear(OSPI_SR_BUSY, T_REGISTER)) {
        return 0;
    }
    set_fmode(OSPI_FMODE_IND_WRITE);
    OSPI_CCR = CCR_IMODE_1 | CCR_DMODE_1;
    OSPI_TCR = 0;
    OSPI_DLR = 0;
    OSPI_PSMKR = mask;
    OSPI_PSMAR = match;
    OSPI_PIR = 0x10;
    set_fmode(OSPI_FMODE_AUTOPOLL | OSPI_CR_APMS);
    OSPI_IR = CMD_RDSR;
    return 1;
}

static int ospi_abort(void);

/* WIP polling with a timeout: on expiry the poll is aborted and the caller
 * reports failure instead of hanging until the host gives up. */
#ifdef HAL_STYLE
static int hal_wait_smf(uint32_t timeout);
#endif

static int flash_wait_ready(uint32_t timeout)
{
    if (!autopoll_start(SR_WIP, 0)) {
        return 0;
    }
#ifdef HAL_STYLE
    /* HAL_OSPI_AutoPolling: a HAL_GetTick() timeout, in ms. */
    (void)timeout;
    if (!hal_wait_smf(timeout > T_PAGE_PROGRAM ? 5000u : 100u)) {
#else
    if (!wait_set(OSPI_SR_SMF, timeout)) {
#endif
        (void)ospi_abort();
        return 0;
    }
    OSPI_FCR = OSPI_FCR_ALL;
    return 1;
}


#ifdef BUG_TIMEOUT
/* Mistake: "ready" is taken to mean the whole status register reads 00h, and
 * the wait has no timeout. Once QE (bit 6) is set the status never reads 00h,
 * so the poll never matches and SectorErase never returns. */
static int flash_wait_idle_forever(void)
{
    if (!autopoll_start(0xFFu, 0x00u)) {
        return 0;
    }
    while ((OSPI_SR & OSPI_SR_SMF) == 0) {
    }
    OSPI_FCR = OSPI_FCR_ALL;
    return 1;
}
#endif

/* ---------------------------------------------------------------------- */
/* Memory-mapped mode (stm32u5.md §B.2 "Memory-mapped")                      */
/* ---------------------------------------------------------------------- */

/* Abort whatever the OCTOSPI is doing (memory-mapped prefetch or an auto-poll):
 * set ABORT, wait for TCF, clear it, wait for BUSY = 0 (as HAL_OSPI_Abort). */
static int ospi_abort(void)
{
    OSPI_CR |= OSPI_CR_ABORT;
    if (!wait_set(OSPI_SR_TCF, T_REGISTER)) {
        return 0;
    }
    OSPI_FCR = OSPI_FCR_ALL;
    if (!wait_clear(OSPI_SR_BUSY, T_REGISTER)) {
        return 0;
    }
    set_fmode(OSPI_FMODE_IND_WRITE);
    return 1;
}

static int mmap_exit(void)
{
    if ((OSPI_CR & OSPI_CR_FMODE_MASK) != OSPI_FMODE_MMAP) {
        return 1;
    }
    return ospi_abort();
}

static int mmap_enter(void)
{
    if (!wait_clear(OSPI_SR_BUSY, T_REGISTER)) {
        return 0;
    }
    set_fmode(OSPI_FMODE_IND_WRITE);
    OSPI_CCR = CCR_IMODE_1 | CCR_ADMODE_1 | CCR_READ_ADSIZE | CCR_READ_DMODE;
    OSPI_TCR = MMAP_DUMMY_CYCLES;
    OSPI_IR = CMD_QUAD_READ;
    set_fmode(OSPI_FMODE_MMAP);
    /* One mapped read so that the mode is really in use (as ST's contrib
     * loaders do after enabling it); from here on the prefetch keeps the
     * OCTOSPI busy until the next abort. */
    (void)REG32(OSPI1_MEM_BASE);
    return 1;
}

/* ---------------------------------------------------------------------- */
/* Bring-up (stm32u5.md §C)                                                */
/* ---------------------------------------------------------------------- */

static void pin_af10(uint32_t port, uint32_t pin)
{
    uint32_t shift2 = 2u * pin;
    uint32_t shift4 = 4u * (pin & 7u);
    GPIO_OSPEEDR(port) |= 3u << shift2;                     /* very high speed */
    GPIO_AFR(port, pin >> 3) = (GPIO_AFR(port, pin >> 3) & ~(0xFu << shift4)) | (10u << shift4);
    GPIO_MODER(port) = (GPIO_MODER(port) & ~(3u << shift2)) | (2u << shift2);
}

static void clocks_enable(void)
{
    RCC_AHB2ENR1 |= RCC_AHB2ENR1_GPIOAEN | RCC_AHB2ENR1_GPIOBEN | RCC_AHB2ENR1_GPIOEEN
                  | RCC_AHB2ENR1_OCTOSPIMEN;
#ifndef BUG_CLOCK_DISABLED
    RCC_AHB2ENR2 |= RCC_AHB2ENR2_OCTOSPI1EN;
#endif
    (void)RCC_AHB2ENR2;                     /* read back: clock is running before first access */
    RCC_CCIPR2 &= ~RCC_CCIPR2_OCTOSPISEL;   /* kernel clock = SYSCLK */
}

static void pins_configure(void)
{
    pin_af10(GPIOA_BASE, 2);    /* NCS */
    pin_af10(GPIOB_BASE, 10);   /* CLK */
    pin_af10(GPIOE_BASE, 12);   /* IO0 */
#ifndef BUG_PINS_NOT_ROUTED
    pin_af10(GPIOB_BASE, 0);    /* IO1 */
#endif
    pin_af10(GPIOE_BASE, 14);   /* IO2 */
    pin_af10(GPIOE_BASE, 15);   /* IO3 */
}

static int ospi_configure(void)
{
    /* The loader is downloaded again for every operation but the peripheral
     * keeps its state: leave a previous run's memory-mapped mode or poll. */
    if ((OSPI_CR & OSPI_CR_EN) != 0) {
        if ((OSPI_CR & OSPI_CR_FMODE_MASK) != 0 || (OSPI_SR & OSPI_SR_BUSY) != 0) {
            if (!ospi_abort()) {
                return 0;
            }
        }
        OSPI_CR = 0;
    }
    /* OCTOSPIM is programmed with both OCTOSPIs disabled (HAL_OSPIM_Config);
     * OCTOSPI2 is never clocked or enabled by this loader. */
    OCTOSPIM_CR = 0;
    OCTOSPIM_PCR1 = OCTOSPIM_PCR_CLKEN | OCTOSPIM_PCR_NCSEN | OCTOSPIM_PCR_IOLEN;

    OSPI_DCR1 = OSPI_DCR1_DEVSIZE(25) | OSPI_DCR1_CSHT(1) | OSPI_DCR1_DLYBYP;  /* 2^26 = 64 MiB */
    OSPI_DCR2 = 0;                          /* prescaler 1: FCLK = 4 MHz */
    OSPI_CR = 0;                            /* FTHRES = 0 (1 byte), indirect write */
    if (!wait_clear(OSPI_SR_BUSY, T_REGISTER)) {
        return 0;
    }
    OSPI_CR |= OSPI_CR_EN;
    return 1;
}

#if defined(BUG_SYSTICK_NOT_RUNNING)
/* Mistake: a COUNTFLAG-polling HAL_Delay replacement (ST's newer loaders do
 * this) whose HAL_InitTick was removed, so SysTick is never enabled and
 * COUNTFLAG never sets. */
static void delay_ms(uint32_t ms)
{
    SYST_RVR = 4000u - 1u;      /* 1 ms at 4 MHz */
    SYST_CVR = 0;
    while (ms != 0) {
        if ((SYST_CSR & SYST_CSR_COUNTFLAG) != 0) {
            ms--;
        }
    }
}
#define AFTER_RESET_DELAY() delay_ms(1)
#elif defined(BUG_UNEXPECTED_EXCEPTION)
/* Mistake: the 2020 contrib loader's interrupt-driven HAL tick. */
static volatile uint32_t uwTick;

void SysTick_Handler(void)
{
    uwTick++;
}

static void Default_Handler(void)
{
    for (;;) {
    }
}

/* Vector table inside the image (the contrib linker script reserves room for
 * one at RAM base + 0x200); VTOR needs 128-byte alignment. */
__attribute__((section(".vectors"), aligned(128), used))
static void (*const vector_table[16])(void) = {
    0, Default_Handler, Default_Handler, Default_Handler, Default_Handler,
    Default_Handler, Default_Handler, 0, 0, 0, 0, Default_Handler,
    Default_Handler, 0, Default_Handler, SysTick_Handler,
};

static void hal_init_tick(void)
{
    SCB_VTOR = (uint32_t)(uintptr_t)vector_table;
    SYST_RVR = 4000u - 1u;      /* 1 ms at 4 MHz */
    SYST_CVR = 0;
    SYST_CSR = SYST_CSR_CLKSOURCE | SYST_CSR_TICKINT | SYST_CSR_ENABLE;
    __asm volatile("cpsie i" ::: "memory");
}

static void hal_delay(uint32_t ms)
{
    uint32_t start = uwTick;
    while ((uwTick - start) < ms + 1u) {
    }
}
#define AFTER_RESET_DELAY() hal_delay(1)
#elif defined(HAL_STYLE)
/* HAL's tick, in plain C (no ST code): uwTick, HAL_GetTick, HAL_Delay. The
 * correct loader polls SysTick's COUNTFLAG in HAL_GetTick (SysTick runs
 * without TICKINT); the BUG_HAL_DELAY one keeps HAL's interrupt-driven tick,
 * which never advances with interrupts off. */
typedef enum { HAL_OK = 0, HAL_ERROR = 1, HAL_BUSY = 2, HAL_TIMEOUT = 3 } HAL_StatusTypeDef;
volatile uint32_t uwTick;

__attribute__((noinline, weak)) uint32_t HAL_GetTick(void)
{
#ifndef BUG_HAL_DELAY
    if ((SYST_CSR & SYST_CSR_COUNTFLAG) != 0) {
        uwTick++;
    }
#endif
    return uwTick;
}

__attribute__((noinline, weak)) void HAL_Delay(uint32_t Delay)
{
    uint32_t tickstart = HAL_GetTick();
    uint32_t wait = Delay;
    if (wait < 0xFFFFFFFFu) {
        wait += 1u;
    }
    while ((HAL_GetTick() - tickstart) < wait) {
    }
}

static HAL_StatusTypeDef HAL_InitTick(void)
{
    SYST_RVR = 4000u - 1u;      /* 1 ms at 4 MHz */
    SYST_CVR = 0;
#ifdef BUG_HAL_DELAY
    /* Mistake: HAL's SysTick interrupt tick; Init runs with PRIMASK set. */
    SYST_CSR = SYST_CSR_CLKSOURCE | SYST_CSR_TICKINT | SYST_CSR_ENABLE;
#else
    SYST_CSR = SYST_CSR_CLKSOURCE | SYST_CSR_ENABLE;
#endif
    return HAL_OK;
}

static int hal_wait_smf(uint32_t timeout_ms)
{
    uint32_t start = HAL_GetTick();
    while ((OSPI_SR & OSPI_SR_SMF) == 0) {
        if ((HAL_GetTick() - start) > timeout_ms) {
            return 0;
        }
    }
    return 1;
}
#define AFTER_RESET_DELAY() HAL_Delay(1)
#elif defined(BUG_DWT_DELAY) || defined(OK_DWT)
#define DEMCR       REG32(0xE000EDFCu)
#define DWT_CTRL    REG32(0xE0001000u)
#define DWT_CYCCNT  REG32(0xE0001004u)
/* A cycle-counter delay, as the community loaders do. */
__attribute__((noinline)) static void cycle_wait(uint32_t cycles)
{
    DEMCR |= 1u << 24;          /* TRCENA */
#ifndef BUG_DWT_DELAY
    DWT_CYCCNT = 0;
    DWT_CTRL |= 1u;             /* CYCCNTENA */
#endif
    /* Mistake (BUG_DWT_DELAY): CYCCNTENA never set, "the debugger starts it". */
    uint32_t start = DWT_CYCCNT;
    while ((DWT_CYCCNT - start) < cycles) {
    }
}
#define AFTER_RESET_DELAY() cycle_wait(8000u)
#elif defined(BUG_SVC_OSDELAY)
/* Mistake: CMSIS-RTOS2 osDelay (an SVC into the kernel) kept from the
 * application's flash driver. */
__attribute__((noinline)) static void osDelay(uint32_t ticks)
{
    register uint32_t r0 __asm("r0") = ticks;
    __asm volatile("svc 0" : "+r"(r0) :: "memory");
}
#define AFTER_RESET_DELAY() osDelay(1)
#elif defined(BUG_PENDSV)
/* Mistake: osKernelStart's context switch request (PendSV) with interrupts on. */
#define SCB_ICSR REG32(0xE000ED04u)
static void kernel_start(void)
{
    SCB_ICSR = 1u << 28;        /* PENDSVSET */
    __asm volatile("cpsie i" ::: "memory");
    spin(2000);
}
#define AFTER_RESET_DELAY() kernel_start()
#elif defined(BUG_SYSTICK_TICKINT_NOVTOR)
/* Mistake: HAL_InitTick's SysTick interrupt and __enable_irq(), with no vector
 * table of its own (the programmer's VTOR points nowhere useful). */
static volatile uint32_t uwTick;
static void tick_delay(uint32_t ms)
{
    SYST_RVR = 4000u - 1u;
    SYST_CVR = 0;
    SYST_CSR = SYST_CSR_CLKSOURCE | SYST_CSR_TICKINT | SYST_CSR_ENABLE;
    __asm volatile("cpsie i" ::: "memory");
    uint32_t start = uwTick;
    while ((uwTick - start) < ms + 1u) {
    }
}
#define AFTER_RESET_DELAY() tick_delay(1)
#else
/* tRST is tens of microseconds (is25lp512m.md §A.7 item 3): 2000 iterations
 * are >= 1.5 ms at 4 MHz. */
#define AFTER_RESET_DELAY() spin(2000)
#endif

/* Set by flash_setup() once the flash has been reset, identified and put in
 * quad mode. It lives in .bss, which Init zeroes before anything else. */
static uint32_t s_flash_ready;

static int flash_setup(void)
{
    if (s_flash_ready) {
        return 1;
    }
    if (!flash_simple(CMD_RESET_ENABLE) || !flash_simple(CMD_RESET)) {
        return 0;
    }
    AFTER_RESET_DELAY();

    uint8_t id[3];
    if (!flash_read_reg(CMD_RDID, id, 3)) {
        return 0;
    }
    /* 9D 60 1A (IS25LP512M), 9D 70 1A (WP), 9D 60 20 / 9D 70 20 (M G/J) */
    if (id[0] != 0x9D || (id[1] != 0x60 && id[1] != 0x70) || (id[2] != 0x1A && id[2] != 0x20)) {
        return 0;
    }

#ifndef BUG_QUAD_NOT_ENABLED
    /* QE = 1 for the 1-1-4 program and read; BP3..0 = 0 so nothing is
     * protected (is25lp512m.md §A.4, §A.7 item 4). */
    uint8_t sr;
    if (!flash_read_reg(CMD_RDSR, &sr, 1)) {
        return 0;
    }
    if ((sr & (SR_BP | SR_QE | SR_SRWD)) != SR_QE) {
        uint8_t value = SR_QE;
#ifdef BUG_WREN_WRSR
        /* Mistake: "WREN is for program and erase", not for the status register. */
        if (
#else
        if (!flash_write_enable() ||
#endif
            !ospi_command(CCR_IMODE_1 | CCR_DMODE_1, CMD_WRSR, 0, 0, 0, &value, 1)
            || !flash_wait_ready(T_WRSR)
            || !flash_read_reg(CMD_RDSR, &sr, 1)
            || (sr & (SR_BP | SR_QE)) != SR_QE) {
            return 0;
        }
    }
#endif
#ifdef OK_4BYTE_MODE
    if (!flash_simple(CMD_ENTER_4B)) {
        return 0;
    }
#endif
    s_flash_ready = 1;
    return 1;
}

/* ---------------------------------------------------------------------- */
/* Flash operations                                                         */
/* ---------------------------------------------------------------------- */

#if defined(BUG_STALE_BANK) || defined(OK_BANK)
/* Bits 25:24 of a 3-byte command come from the bank address register. */
static int set_bank(uint32_t offset)
{
    uint8_t bank = (uint8_t)(offset >> 24);
    return ospi_command(CCR_IMODE_1 | CCR_DMODE_1, CMD_WRITE_BANK, 0, 0, 0, &bank, 1);
}
#endif

static int page_program(uint32_t offset, uint8_t *data, uint32_t length)
{
#ifdef OK_BANK
    if (!set_bank(offset)) {
        return 0;
    }
#endif
#if !defined(BUG_WRITE_NOT_ENABLED) && !defined(BUG_WREN_ONCE)
    if (!flash_write_enable()) {
        return 0;
    }
#endif
    if (!ospi_command(CCR_IMODE_1 | CCR_ADMODE_1 | CCR_PROG_ADSIZE | CCR_PROG_DMODE,
                      CMD_QUAD_PROGRAM, offset, 0, 0, data, length)) {
        return 0;
    }
#ifdef BUG_BUSY_PROGRAM
    /* Mistake: "page program takes under a millisecond, no need to poll". */
    return 1;
#else
    return flash_wait_ready(T_PAGE_PROGRAM);
#endif
}

/* Program [offset, offset+size): a Page Program must not cross a 256-byte
 * page or it wraps inside the page (cubeprogrammer-loader.md §4 item 7). */
static int program_range(uint32_t offset, uint8_t *data, uint32_t size)
{
#ifdef BUG_VERIFY_MISMATCH
    /* Mistake: the size is rounded down to whole pages ("Size / PAGE_SIZE *
     * PAGE_SIZE"), so a chunk's last partial page is never programmed. */
    uint32_t end = offset + size / PAGE_SIZE * PAGE_SIZE;
#else
    uint32_t end = offset + size;
#endif
#ifdef BUG_WREN_ONCE
    /* Mistake: one Write Enable per Write call; WEL clears after each page. */
    if (!flash_write_enable()) {
        return 0;
    }
#endif
#ifdef BUG_STALE_BANK
    /* Mistake: the bank is set once per call, from its first address. */
    if (!set_bank(offset)) {
        return 0;
    }
#endif
    while (offset < end) {
#if defined(BUG_PAGE_BOUNDARY)
        /* Mistake: whole 256-byte pieces from wherever the chunk starts. */
        uint32_t n = PAGE_SIZE;
#elif defined(BUG_PIECE_4K)
        /* Mistake: "the page is 4 KiB" (the erase sector size): one program
         * command per 4 KiB, aligned. */
        uint32_t n = SECTOR_SIZE - (offset % SECTOR_SIZE);
#elif defined(BUG_PAGE_OFF_BY_ONE)
        /* Mistake: "<=" instead of "<" at the page end: one byte too many. */
        uint32_t n = PAGE_SIZE - (offset % PAGE_SIZE) + 1u;
#elif defined(BUG_PAGE_WHOLE_CHUNK)
        /* Mistake: the whole chunk in one command ("the OCTOSPI splits it"). */
        uint32_t n = end - offset;
#else
        uint32_t n = PAGE_SIZE - (offset % PAGE_SIZE);
#endif
        if (n > end - offset) {
            n = end - offset;
        }
        if (!page_program(offset, data, n)) {
            return 0;
        }
        offset += n;
        data += n;
    }
    return 1;
}

static int range_valid(uint32_t address, uint32_t size)
{
    return address >= OSPI1_MEM_BASE
        && address - OSPI1_MEM_BASE <= FLASH_SIZE
        && size <= FLASH_SIZE - (address - OSPI1_MEM_BASE);
}

#ifdef BUG_STACK_SMASH
/* Mistake: a debug trace line formatted into a local buffer sized for the
 * short "W <address>" line it once held. */
volatile char g_trace[64];

static char *put_hex(char *out, uint32_t value)
{
    *out++ = '0';
    *out++ = 'x';
    for (int shift = 28; shift >= 0; shift -= 4) {
        *out++ = "0123456789ABCDEF"[(value >> shift) & 0xFu];
    }
    return out;
}

static char *put_text(char *out, const char *text)
{
    while (*text != 0) {
        *out++ = *text++;
    }
    return out;
}

/* The line is always 52 characters (no NUL; the length is returned). With
 * the frame clang -Os builds for Write (line at sp+12, then the pushed
 * r4-r11 and lr) characters 48..51, "eued", land exactly on the saved lr:
 * 0x64657565, so Write's "pop {..., pc}" returns to 0x64657564, the FMC bank
 * region, which is neither clocked nor wired. */
__attribute__((noinline)) static uint32_t trace_format(char *line, uint32_t address, uint32_t size)
{
    char *out = line;
    out = put_text(out, "Write: address=");
    out = put_hex(out, address);
    out = put_text(out, ", size=");
    out = put_hex(out, size);
    out = put_text(out, ", enqueued");
    return (uint32_t)(out - line);
}

__attribute__((noinline)) static void trace_emit(const char *line, uint32_t length)
{
    for (uint32_t i = 0; i < sizeof g_trace && i < length; i++) {
        g_trace[i] = line[i];
    }
}
#endif

#if defined(BUG_STACK_OVERFLOW) || defined(BUG_STACK_24K)
/* Mistake: a 2 KiB staging copy of the host data on the stack ("program
 * from RAM we own"); the programmer gives ~1 KiB of stack. */
static void copy_bytes(uint8_t *dst, const uint8_t *src, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        ((volatile uint8_t *)dst)[i] = src[i];
    }
}
#endif

/* ---------------------------------------------------------------------- */
/* Entry points (cubeprogrammer-loader.md §1.3): 1 = success, 0 = failure.  */
/* ---------------------------------------------------------------------- */

__attribute__((used)) uint32_t Init(void)
{
    __asm volatile("cpsid i" ::: "memory");    /* no interrupts in a loader */
#ifndef BUG_UNINIT_BSS
    zero_bss();                                 /* the host never zeroes .bss */
#endif
    clocks_enable();
#ifdef BUG_HSE_PLL
    /* The same assumption another way: HSE on without waiting for it, PLL1 fed
     * from it (PLL1SRC = 11, M = 1), and PLL1RDY awaited; no HSE, no lock. */
    RCC_CR |= RCC_CR_HSEON;
    RCC_PLL1CFGR = (RCC_PLL1CFGR & ~0xF03u) | 3u;
    RCC_CR |= RCC_CR_PLL1ON;
    {
        uint32_t n = 100000u;
        while (!(RCC_CR & RCC_CR_PLL1RDY) && --n) { }
        if (n == 0u) {
            return LOADER_FAIL;
        }
    }
#endif
#if defined(BUG_HSE_WAIT) || defined(OK_HSE_FALLBACK)
    /* The application's clock setup for a board with a crystal: HSE on, HSERDY
     * awaited for a bounded count. The default board has no HSE. */
    RCC_CR |= RCC_CR_HSEON;
    {
        uint32_t n = 100000u;
        while (!(RCC_CR & RCC_CR_HSERDY) && --n) { }
        if (n == 0u) {
#ifdef BUG_HSE_WAIT
            return LOADER_FAIL;         /* Mistake: written for a board with HSE */
#else
            RCC_CR &= ~RCC_CR_HSEON;    /* gives up on HSE and stays on MSIS */
#endif
        }
    }
#endif
#ifdef HAL_STYLE
    (void)HAL_InitTick();
#endif
#ifdef BUG_HARD_FAULT
    /* Mistake: a board-revision latch read copied from a board whose FMC bank
     * 1 held it; here the FMC is neither clocked nor wired. */
    volatile uint32_t board_revision = REG32(0x60000000u);
    (void)board_revision;
#endif
    pins_configure();
    if (!ospi_configure()) {
        return LOADER_FAIL;
    }
#ifdef BUG_UNEXPECTED_EXCEPTION
    hal_init_tick();
#endif
#ifdef BUG_FPU_DISABLED
    /* Mistake: the OCTOSPI prescaler derived in float from the core clock
     * (as HAL_RCC_GetSysClockFreq does) in a hard-float build that never
     * sets CPACR.CP10/CP11. */
    {
        static volatile uint32_t system_core_clock = 4000000u;
        float ratio = (float)system_core_clock / 133000000.0f;
        OSPI_DCR2 = (uint32_t)ratio;    /* 0: FCLK = kernel clock */
    }
#endif
    if (!flash_setup()) {
        return LOADER_FAIL;
    }
    if (!mmap_enter()) {
        return LOADER_FAIL;
    }
#ifdef BUG_LOOPS_FOREVER
    /* Mistake: the CubeMX main() super-loop kept after the init code. */
    for (;;) {
        __asm volatile("" ::: "memory");
    }
#endif
#ifdef BUG_GARBAGE_RETURN
    /* Mistake: a "ready" cookie instead of 1. */
    return 0xDEADBEEFu;
#else
    return LOADER_OK;
#endif
}

__attribute__((used)) uint32_t Write(uint32_t Address, uint32_t Size, uint8_t *buffer)
{
#ifdef BUG_STACK_SMASH
    char line[16];
    uint32_t length = trace_format(line, Address, Size);
    trace_emit(line, length);
#endif
    if (!range_valid(Address, Size)) {
        return LOADER_FAIL;
    }
#if !defined(BUG_MMP_ACTIVE) && !defined(BUG_MMP_NO_WAIT) && !defined(BUG_MMP_ABORT_LATE)
    if (!mmap_exit()) {
        return LOADER_FAIL;
    }
#endif
    uint32_t offset = Address - OSPI1_MEM_BASE;
#if defined(BUG_STACK_OVERFLOW) || defined(BUG_STACK_24K)
#ifdef BUG_STACK_24K
    /* Mistake: "a whole 24 KiB staging buffer, to program fewer, larger pieces". */
    uint8_t staging[24576];
#else
    uint8_t staging[2048];
#endif
    int ok = 1;
    while (ok && Size != 0) {
        uint32_t n = Size < sizeof staging ? Size : sizeof staging;
        copy_bytes(staging, buffer, n);
        ok = program_range(offset, staging, n);
        offset += n;
        buffer += n;
        Size -= n;
    }
#else
    int ok = program_range(offset, buffer, Size);
#endif
#ifdef BUG_MMP_ABORT_LATE
    /* Mistake: the abort moved to "before re-entering memory-mapped mode". */
    ok = mmap_exit() && ok;
#endif
    ok = mmap_enter() && ok;
#ifdef BUG_RETURN_VALUE
    /* Mistake: HAL habit, HAL_OK (0) on success and HAL_ERROR (1) on failure. */
    return ok ? 0u : 1u;
#else
    return ok ? LOADER_OK : LOADER_FAIL;
#endif
}

/* EraseEndAddress is inclusive: every 4 KiB sector that holds any byte of
 * [EraseStartAddress, EraseEndAddress] is erased, and nothing else. */
__attribute__((used)) uint32_t SectorErase(uint32_t EraseStartAddress, uint32_t EraseEndAddress)
{
    if (EraseEndAddress < EraseStartAddress
        || !range_valid(EraseStartAddress, EraseEndAddress - EraseStartAddress + 1u)) {
        return LOADER_FAIL;
    }
#if !defined(BUG_MMP_ACTIVE) && !defined(BUG_MMP_NO_WAIT) && !defined(BUG_MMP_ABORT_LATE)
    if (!mmap_exit()) {
        return LOADER_FAIL;
    }
#endif
    uint32_t last = EraseEndAddress - OSPI1_MEM_BASE;
#ifdef BUG_COLLATERAL
    /* Mistake: 64 KiB block erase "because it is faster", while StorageInfo
     * advertises 4 KiB sectors. */
    const uint32_t step = 0x10000u;
    const uint32_t opcode = CMD_BLOCK_ERASE64;
#else
    const uint32_t step = SECTOR_SIZE;
    const uint32_t opcode = CMD_SECTOR_ERASE;
#endif
    uint32_t offset = (EraseStartAddress - OSPI1_MEM_BASE) & ~(step - 1u);
    int ok = 1;
    while (ok && offset <= last) {
#ifdef BUG_BUSY_POLL_BEFORE
        ok = flash_wait_ready(T_SECTOR_ERASE);
#endif
#ifdef BUG_WREN_ERASE
        /* Mistake: "WREN is for page program". */
        ok = ospi_command(CCR_IMODE_1 | CCR_ADMODE_1 | CCR_ERASE_ADSIZE, opcode, offset, 0, 0, 0, 0);
#else
        ok = flash_write_enable()
          && ospi_command(CCR_IMODE_1 | CCR_ADMODE_1 | CCR_ERASE_ADSIZE, opcode, offset, 0, 0, 0, 0);
#endif
#if defined(BUG_TIMEOUT)
        ok = ok && flash_wait_idle_forever();
#elif defined(BUG_BUSY_POLL_BEFORE)
        /* Mistake: the WIP poll moved before the next command ("wait until the
         * flash is free, then send"): the last erase is still running when the
         * loader returns and the next command arrives. */
#elif !defined(BUG_FLASH_BUSY)
        ok = ok && flash_wait_ready(T_SECTOR_ERASE);
#endif
        offset += step;
    }
#ifdef BUG_MMP_ABORT_LATE
    ok = mmap_exit() && ok;
#endif
    ok = mmap_enter() && ok;
#ifdef BUG_RV_ERASE
    /* Mistake: the HAL habit in the erase too: HAL_OK (0) on success. */
    return ok ? 0u : 1u;
#else
    return ok ? LOADER_OK : LOADER_FAIL;
#endif
}

__attribute__((used)) uint32_t MassErase(uint32_t Parallelism)
{
    (void)Parallelism;
    if (!mmap_exit()) {
        return LOADER_FAIL;
    }
    int ok = flash_write_enable()
          && flash_simple(CMD_CHIP_ERASE)
          && flash_wait_ready(T_CHIP_ERASE);
    ok = mmap_enter() && ok;
    return ok ? LOADER_OK : LOADER_FAIL;
}

/* Byte sum of [StartAddress, StartAddress + Size) read through the
 * memory-mapped window (cubeprogrammer-loader.md §1.3 "CheckSum"). */
__attribute__((used)) uint32_t CheckSum(uint32_t StartAddress, uint32_t Size, uint32_t InitVal)
{
    const volatile uint8_t *p = (const volatile uint8_t *)(uintptr_t)StartAddress;
    for (uint32_t i = 0; i < Size; i++) {
        InitVal += p[i];
    }
    return InitVal;
}

/* Size is in 32-bit words; missalignement packs the leading misalignment in
 * bits 3:0 and the tail padding in bits 19:16 (ST's Verify). Low word: 0 or
 * the first mismatching address; high word: the checksum. */
__attribute__((used)) uint64_t Verify(uint32_t MemoryAddr, uint32_t RAMBufferAddr,
                                      uint32_t Size, uint32_t missalignement)
{
    uint32_t bytes = Size * 4u;
    uint64_t checksum = CheckSum(MemoryAddr + (missalignement & 0xFu),
                                 bytes - ((missalignement >> 16) & 0xFu), 0);
    const volatile uint8_t *memory = (const volatile uint8_t *)(uintptr_t)MemoryAddr;
    const uint8_t *ram = (const uint8_t *)(uintptr_t)RAMBufferAddr;
    for (uint32_t i = 0; i < bytes; i++) {
        if (memory[i] != ram[i]) {
            return (checksum << 32) | (MemoryAddr + i);
        }
    }
#ifdef BUG_RV_VERIFY
    /* Mistake: "1 = success" as for every other entry point. */
    return 1u;
#else
    return checksum << 32;
#endif
}
