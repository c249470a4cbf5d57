/* LoaderLab fixture: an external loader for the Macronix MX25LM51245G (64 MiB octal NOR)
 * in DTR OPI (8D-8D-8D) on an STM32U5A9, written from the references, not from the lab's
 * model of the part:
 *   - the MX25LM51245G command set and registers (datasheet Rev. 1.1, as datasheet-derived
 *     drivers give it: Linux macronix.c by Macronix, ST's BSP configuration files): SPI and
 *     OPI opcodes, CR2 (DOPI bit 1 at 0x0000_0000, DC at 0x0000_0300, 000 = 20 clocks),
 *     the security register's P_FAIL/E_FAIL bits;
 *   - RM0456 (OCTOSPI, OCTOSPIM, DLYB, RCC, PWR, FLASH) as ST's CMSIS header stm32u5a9xx.h
 *     and HAL (../shared/vendor/stm32u5) give the register addresses, bits and sequences.
 * Board: the U5A9J-DK wiring (built-in board stm32u5a9-mx25lm51245g): OCTOSPI1 on OCTOSPIM
 * port 1, NCS PA2, CLK PF10 (AF3), DQS PA1, IO0 PF8, IO1 PF9, IO2 PA7, IO3 PA6, IO4 PC1,
 * IO5 PC2, IO6 PC3, IO7 PC0 (AF3), the rest AF10.
 *
 * Init starts in SPI (1S-1S-1S): resets the part in every protocol it may have been left in,
 * reads the JEDEC ID (C2 85 3A), writes CR2 (72h) at 0x0000_0000 with DOPI = 1, reads it
 * back in 8D-8D-8D and from then on speaks 8D-8D-8D only: two-byte instructions (opcode,
 * then its inverse), 4-byte addresses on both edges, data strobed by DQS through the
 * calibrated delay block. It leaves the
 * OCTOSPI memory-mapped with the 8DTRD read (EEh/11h), so the programmer reads the window.
 * No interrupts; every wait has a deadline.
 *
 * One mistake, switched in by -DBUG_STR_DUMMY: the read is programmed with the dummy count of
 * the SPI Fast Read (8 clocks: FAST_READ 0Bh / FAST_READ4B 0Ch in the datasheet's command
 * set table) while the part, in DTR OPI with CR2 DC = 000, waits 20 clocks (the datasheet's
 * "Dummy Cycle and Frequency Table": DC[2:0] = 000, the power-on default, is 20 cycles).
 */
#include "loader_abi.h"

#define FLASH_SIZE   0x04000000u
#define PAGE_SIZE    0x100u
#define SECTOR_SIZE  0x1000u
#define BLOCK_SIZE   0x10000u

__attribute__((section(".Dev_info"), used))
const struct StorageInfo StorageInfo = {
    DEVICE_NAME, 3, OSPI1_MEM_BASE, FLASH_SIZE, PAGE_SIZE, 0xFF,
    { { FLASH_SIZE / SECTOR_SIZE, SECTOR_SIZE }, { 0, 0 } },
};

/* ---- registers beyond regs.h (stm32u5a9xx.h; RM0456) --------------------------------- */
#define FLASH_ACR               REG32(0x40022000u)          /* FLASH_R_BASE_NS + 0x00 */
#define FLASH_ACR_LATENCY_MASK  0xFu
#define RCC_CR                  REG32(RCC_BASE + 0x00u)
#define RCC_CR_MSISRDY          (1u << 2)
#define RCC_ICSCR1              REG32(RCC_BASE + 0x08u)
#define RCC_ICSCR1_MSIRGSEL     (1u << 23)
#define RCC_ICSCR1_MSISRANGE(n) ((uint32_t)(n) << 28)
#define RCC_ICSCR1_MSISRANGE_MASK (0xFu << 28)
#define RCC_AHB3ENR             REG32(RCC_BASE + 0x94u)
#define RCC_AHB3ENR_PWREN       (1u << 2)
#define PWR_VOSR                REG32(0x4602080Cu)          /* PWR_BASE_NS + 0x0C */
#define PWR_SVMSR               REG32(0x4602083Cu)          /* PWR_BASE_NS + 0x3C */
#define PWR_VOS_MASK            (3u << 16)                  /* VOSR.VOS, SVMSR.ACTVOS */
#define PWR_VOS_RANGE4          (0u << 16)
#define PWR_VOS_RANGE3          (1u << 16)
#define PWR_VOSR_VOSRDY         (1u << 15)
#define PWR_VOSR_BOOSTEN        (1u << 18)
#define PWR_SVMSR_ACTVOSRDY     (1u << 15)
#define RCC_AHB2ENR1_GPIOCEN    (1u << 2)
#define RCC_AHB2ENR1_GPIOFEN    (1u << 5)
#define GPIOC_BASE              0x42020800u
#define GPIOF_BASE              0x42021400u

#define OCTOSPIM_PCR_DQSEN      (1u << 4)
#define OCTOSPIM_PCR_IOHEN      (1u << 24)
#define OCTOSPIM_PCR_IOHSRC_OCTOSPI1_HIGH (1u << 25)   /* port IO[7:4] <- OCTOSPI1 IO[7:4] */

#define OSPI_DCR1_FRCK          (1u << 1)
#define OSPI_DCR1_MTYP_MACRONIX (1u << 24)   /* D1/D0 byte order in DTR 8-line data */
#define OSPI_DCR2_PRESCALER(n)  ((uint32_t)(n) << 0)
#define OSPI_TCR_DCYC(n)        ((uint32_t)(n) << 0)
#define OSPI_TCR_DHQC           (1u << 28)   /* quarter-cycle output hold: DTR */
#define OSPI_TCR_SSHIFT         (1u << 30)   /* half-cycle sample shift: STR only */

/* CCR: 8-line phases (100), DTR bits, 16-bit instruction, DQS. */
#define CCR_IMODE_8             (4u << 0)
#define CCR_IDTR                (1u << 3)
#define CCR_ISIZE_16            (1u << 4)
#define CCR_ADMODE_8            (4u << 8)
#define CCR_ADDTR               (1u << 11)
#define CCR_DMODE_8             (4u << 24)
#define CCR_DDTR                (1u << 27)
#define CCR_DQSE                (1u << 29)

/* DLYB_OCTOSPI1 (DLYB_TypeDef: CR 0x00, CFGR 0x04). */
#define DLYB_BASE               0x420CF000u
#define DLYB_CR                 REG32(DLYB_BASE + 0x00u)
#define DLYB_CFGR               REG32(DLYB_BASE + 0x04u)
#define DLYB_CR_DEN             (1u << 0)
#define DLYB_CR_SEN             (1u << 1)
#define DLYB_CFGR_SEL(n)        ((uint32_t)(n) << 0)
#define DLYB_CFGR_UNIT(n)       ((uint32_t)(n) << 8)
#define DLYB_CFGR_LNGF          (1u << 31)
#define DLYB_CELLS              12u          /* SEL 12: the whole line is sampled */
#define DLYB_UNITS              128u

/* ---- the part (MX25LM51245G datasheet command set) -------------------------------------- */
#define ID0 0xC2u
#define ID1 0x85u
#define ID2 0x3Au
/* SPI (1S-1S-1S) */
#define SPI_WREN        0x06u
#define SPI_RDID        0x9Fu
#define SPI_RSTEN       0x66u
#define SPI_RST         0x99u
#define SPI_WRCR2       0x72u      /* 4-byte CR2 address, one data byte */
#define CR2_MODE_ADDR   0x00000000u
#define CR2_DOPI        0x02u      /* bit 1 DOPI, bit 0 SOPI */
/* OPI: the second byte is the opcode inverted (IR = opcode << 8 | ~opcode). */
#define OPI(op)         ((((uint32_t)(op)) << 8) | ((~(uint32_t)(op)) & 0xFFu))
#define OPI_WREN        OPI(0x06)  /* 06F9h */
#define OPI_RDSR        OPI(0x05)  /* 05FAh: address 0, 4 dummy clocks */
#define OPI_RDSCUR      OPI(0x2B)  /* 2BD4h: security register, P_FAIL bit 5, E_FAIL bit 6 */
#define OPI_RDCR2       OPI(0x71)  /* 718Eh: CR2 at a 4-byte address */
#define OPI_PP4B        OPI(0x12)  /* 12EDh */
#define OPI_SE4B        OPI(0x21)  /* 21DEh: 4 KiB */
#define OPI_BE4B        OPI(0xDC)  /* DC23h: 64 KiB */
#define OPI_CE          OPI(0x60)  /* 609Fh */
#define OPI_8DTRD       OPI(0xEE)  /* EE11h */
#define OPI_RSTEN       OPI(0x66)  /* 6699h */
#define OPI_RST         OPI(0x99)  /* 9966h */
/* Register reads in OPI (RDSR, RDSCUR, RDCR2) take a 4-byte address 0 and dummy clocks: 4 in
 * STR OPI, 5 in DTR OPI in ST's board configurations for this part (mx25lm51245g_conf.h,
 * DUMMY_CYCLES_REG_OCTAL_DTR 5U, STM32CubeH7 STM32H735G-DK and H7B3I-DK), the count this
 * loader uses. Linux (macronix.c, the MX66LM1G45G sibling) reads with 4 in 8D-8D-8D; the
 * datasheet table itself was not at hand to settle it (see the lab's docs/parts.md). */
#define REGISTER_DUMMY  5u
#define SR_WIP          0x01u
#define SCUR_P_FAIL     0x20u
#define SCUR_E_FAIL     0x40u

#if defined(BUG_STR_DUMMY)
#define READ_DUMMY      8u         /* the SPI Fast Read's count: wrong in DTR OPI */
#else
#define READ_DUMMY      20u        /* CR2 DC = 000 (power-on): 20 clocks */
#endif

/* ---- deadlines, in polling iterations (>= ~0.1 us each at 48 MHz) ---------------------- */
/* Maximum times (ST's BSP for this part): page program 1.5 ms class, 4 KiB erase 400 ms,
 * 64 KiB erase 1 s, chip 460 s. */
#define T_REGISTER      100000u
#define T_PAGE_PROGRAM  400000u
#define T_SECTOR_ERASE  8000000u
#define T_BLOCK_ERASE   20000000u
#define T_CHIP_ERASE    4000000000u
#define T_CLOCK         10000u

/* ---- OCTOSPI1: indirect, auto-polling, memory-mapped ---------------------------------- */
#include "ospi_indirect.h"

/* One indirect transaction; the CCR says which phases it has. */
static int transfer(uint32_t ccr, uint32_t tcr, uint32_t instruction, uint32_t address,
                    int read, uint8_t *data, uint32_t n)
{
    if (!until_clear(OSPI_SR_BUSY, T_REGISTER)) return 0;
    mode(read ? OSPI_FMODE_IND_READ : OSPI_FMODE_IND_WRITE);
    OSPI_CCR = ccr;
    OSPI_TCR = tcr;
    if (n != 0) OSPI_DLR = n - 1;
    OSPI_IR = instruction;
    if ((ccr & (7u << 8)) != 0) OSPI_AR = address;
    for (uint32_t i = 0; i < n; i++) {
        if (!until_set(read ? (OSPI_SR_FTF | OSPI_SR_TCF) : OSPI_SR_FTF, T_REGISTER)) return 0;
        if (read) data[i] = OSPI_DR8; else OSPI_DR8 = data[i];
    }
    if (!until_set(OSPI_SR_TCF, T_REGISTER)) return 0;
    OSPI_FCR = OSPI_FCR_ALL;
    return (OSPI_SR & OSPI_SR_TEF) == 0;
}

/* SPI (1S-1S-1S) phases; STR samples half a cycle late (SSHIFT). */
#define SPI_TCR        OSPI_TCR_SSHIFT
static int spi_command(uint8_t opcode) { return transfer(CCR_IMODE_1, SPI_TCR, opcode, 0, 0, 0, 0); }

/* 8D-8D-8D phases: a 16-bit instruction, a 32-bit address, data on both edges, strobed by
 * DQS when read. DTR moves two bytes per clock, so every data phase is an even count. */
#define DTR_CMD        (CCR_IMODE_8 | CCR_IDTR | CCR_ISIZE_16)
#define DTR_ADDR       (CCR_ADMODE_8 | CCR_ADDTR | CCR_ADSIZE_32)
#define DTR_DATA       (CCR_DMODE_8 | CCR_DDTR)
#define DTR_TCR(dummy) (OSPI_TCR_DHQC | OSPI_TCR_DCYC(dummy))

static int opi_command(uint32_t instruction) { return transfer(DTR_CMD, DTR_TCR(0), instruction, 0, 0, 0, 0); }

static int opi_read_register(uint32_t instruction, uint32_t address, uint8_t *out, uint32_t n)
{
    return transfer(DTR_CMD | DTR_ADDR | DTR_DATA | CCR_DQSE, DTR_TCR(REGISTER_DUMMY), instruction, address, 1, out, n);
}

/* WIP = 0 by auto-polling RDSR; the byte comes twice in DTR, so both copies are matched. */
static int wait_ready(uint32_t timeout)
{
    if (!until_clear(OSPI_SR_BUSY, T_REGISTER)) return 0;
    mode(OSPI_FMODE_IND_WRITE);
    OSPI_CCR = DTR_CMD | DTR_ADDR | DTR_DATA | CCR_DQSE;
    OSPI_TCR = DTR_TCR(REGISTER_DUMMY);
    OSPI_DLR = 1;
    OSPI_PSMKR = SR_WIP | (SR_WIP << 8);
    OSPI_PSMAR = 0;
    OSPI_PIR = 0x10;
    mode(OSPI_FMODE_AUTOPOLL | OSPI_CR_APMS);
    OSPI_IR = OPI_RDSR;
    OSPI_AR = 0;
    if (!until_set(OSPI_SR_SMF, timeout)) {
        (void)abort_transfer();
        return 0;
    }
    OSPI_FCR = OSPI_FCR_ALL;
    return 1;
}

/* After a program or erase: WIP, then the security register's verdict. */
static int finish(uint32_t timeout, uint8_t fail)
{
    uint8_t scur[2];
    return wait_ready(timeout) && opi_read_register(OPI_RDSCUR, 0, scur, 2) && (scur[0] & fail) == 0;
}

static int mapped_off(void)
{
    if ((OSPI_CR & OSPI_CR_FMODE_MASK) != OSPI_FMODE_MMAP) return 1;
    return abort_transfer();
}

static int mapped_on(void)
{
    if (!until_clear(OSPI_SR_BUSY, T_REGISTER)) return 0;
    mode(OSPI_FMODE_IND_WRITE);
    OSPI_CCR = DTR_CMD | DTR_ADDR | DTR_DATA | CCR_DQSE;
    OSPI_TCR = DTR_TCR(READ_DUMMY);
    OSPI_IR = OPI_8DTRD;
    mode(OSPI_FMODE_MMAP);
    return 1;
}

/* ---- bring-up ----------------------------------------------------------------------- */
/* SYSCLK from MSIS 4 MHz to 48 MHz (MSIS range 0): the delay block's input clock must be
 * 25 MHz or more (RM0456 DLYB), and the reset's voltage range 4 allows 24 MHz at most. So:
 * voltage range 3 first (PWR_VOSR.VOS = 01, wait VOSRDY then SVMSR.ACTVOSRDY, as
 * HAL_PWREx_ControlVoltageScaling does), then 3 flash wait states (48 MHz in range 3: HAL
 * RCC_SetFlashLatencyFromMSIRange), then the MSIS range, changed only while MSIS is ready. */
static int wait_bit(volatile uint32_t *reg, uint32_t mask)
{
    uint32_t n = T_CLOCK;
    while ((*reg & mask) == 0) {
        if (--n == 0) return 0;
    }
    return 1;
}

static int clock_up(void)
{
    if ((RCC_ICSCR1 & (RCC_ICSCR1_MSIRGSEL | RCC_ICSCR1_MSISRANGE_MASK)) == (RCC_ICSCR1_MSIRGSEL | RCC_ICSCR1_MSISRANGE(0)))
        return 1;
    RCC_AHB3ENR |= RCC_AHB3ENR_PWREN;
    (void)RCC_AHB3ENR;
    if ((PWR_SVMSR & PWR_VOS_MASK) == PWR_VOS_RANGE4) {
        PWR_VOSR = (PWR_VOSR & ~(PWR_VOS_MASK | PWR_VOSR_BOOSTEN)) | PWR_VOS_RANGE3;
        if (!wait_bit(&PWR_VOSR, PWR_VOSR_VOSRDY) || !wait_bit(&PWR_SVMSR, PWR_SVMSR_ACTVOSRDY)) return 0;
    }
    if ((FLASH_ACR & FLASH_ACR_LATENCY_MASK) < 3u) {
        FLASH_ACR = (FLASH_ACR & ~FLASH_ACR_LATENCY_MASK) | 3u;
        if ((FLASH_ACR & FLASH_ACR_LATENCY_MASK) != 3u) return 0;
    }
    if (!wait_bit(&RCC_CR, RCC_CR_MSISRDY)) return 0;
    RCC_ICSCR1 = (RCC_ICSCR1 & ~RCC_ICSCR1_MSISRANGE_MASK) | RCC_ICSCR1_MSISRANGE(0) | RCC_ICSCR1_MSIRGSEL;
    return wait_bit(&RCC_CR, RCC_CR_MSISRDY);
}

static void pin(uint32_t port, uint32_t number, uint32_t af)
{
    uint32_t s2 = 2u * number, s4 = 4u * (number & 7u);
    GPIO_OSPEEDR(port) |= 3u << s2;
    GPIO_AFR(port, number >> 3) = (GPIO_AFR(port, number >> 3) & ~(0xFu << s4)) | (af << s4);
    GPIO_MODER(port) = (GPIO_MODER(port) & ~(3u << s2)) | (2u << s2);
}

#define DCR1_VALUE (OSPI_DCR1_MTYP_MACRONIX | OSPI_DCR1_DEVSIZE(25) | OSPI_DCR1_CSHT(3))

/* RM0456 delay block: with the OCTOSPI clock free-running, find the UNIT at which the
 * 12-cell line spans one clock period (LNG[10:0] != 0 and LNG[11:10] != 11), then delay the
 * DQS by a quarter of that period (the most significant set bit of LNG[10:0] is the cell
 * count of one period). */
static int delay_block(void)
{
    if (!until_clear(OSPI_SR_BUSY, T_REGISTER)) return 0;
    OSPI_DCR1 = DCR1_VALUE | OSPI_DCR1_FRCK;
    DLYB_CR = DLYB_CR_DEN | DLYB_CR_SEN;
    uint32_t unit = 0, lng = 0;
    for (; unit < DLYB_UNITS; unit++) {
        DLYB_CFGR = DLYB_CFGR_SEL(DLYB_CELLS) | DLYB_CFGR_UNIT(unit);
        uint32_t n = T_REGISTER;
        while ((DLYB_CFGR & DLYB_CFGR_LNGF) == 0) {
            if (--n == 0) return 0;
        }
        lng = (DLYB_CFGR >> 16) & 0xFFFu;
        if ((lng & 0x7FFu) != 0 && (lng & 0xC00u) != 0xC00u) break;
    }
    int ok = unit < DLYB_UNITS;
    if (ok) {
        uint32_t cells = 10;
        while (cells > 0 && (lng >> cells) == 0) cells--;
        uint32_t quarter = (cells + 2u) / 4u;
        DLYB_CFGR = DLYB_CFGR_SEL(quarter == 0 ? 1u : quarter) | DLYB_CFGR_UNIT(unit);
    }
    DLYB_CR = DLYB_CR_DEN;
    OSPI_DCR1 = DCR1_VALUE;
    return ok;
}

static int bring_up(void)
{
    if (!clock_up()) return 0;
    RCC_AHB2ENR1 |= RCC_AHB2ENR1_GPIOAEN | RCC_AHB2ENR1_GPIOCEN | RCC_AHB2ENR1_GPIOFEN | RCC_AHB2ENR1_OCTOSPIMEN;
    RCC_AHB2ENR2 |= RCC_AHB2ENR2_OCTOSPI1EN;
    (void)RCC_AHB2ENR2;
    RCC_CCIPR2 &= ~RCC_CCIPR2_OCTOSPISEL;       /* kernel clock = SYSCLK */
    pin(GPIOA_BASE, 2, 10);   /* NCS */
    pin(GPIOF_BASE, 10, 3);   /* CLK */
    pin(GPIOA_BASE, 1, 10);   /* DQS */
    pin(GPIOF_BASE, 8, 10);   /* IO0 */
    pin(GPIOF_BASE, 9, 10);   /* IO1 */
    pin(GPIOA_BASE, 7, 10);   /* IO2 */
    pin(GPIOA_BASE, 6, 10);   /* IO3 */
    pin(GPIOC_BASE, 1, 10);   /* IO4 */
    pin(GPIOC_BASE, 2, 10);   /* IO5 */
    pin(GPIOC_BASE, 3, 10);   /* IO6 */
    pin(GPIOC_BASE, 0, 3);    /* IO7 */
    if ((OSPI_CR & OSPI_CR_EN) != 0) {
        if (((OSPI_CR & OSPI_CR_FMODE_MASK) != 0 || (OSPI_SR & OSPI_SR_BUSY) != 0) && !abort_transfer()) return 0;
        OSPI_CR = 0;
    }
    OCTOSPIM_CR = 0;
    OCTOSPIM_PCR1 = OCTOSPIM_PCR_CLKEN | OCTOSPIM_PCR_DQSEN | OCTOSPIM_PCR_NCSEN | OCTOSPIM_PCR_IOLEN
                  | OCTOSPIM_PCR_IOHEN | OCTOSPIM_PCR_IOHSRC_OCTOSPI1_HIGH;
    OSPI_DCR1 = DCR1_VALUE;
    OSPI_DCR2 = OSPI_DCR2_PRESCALER(0);          /* 48 MHz */
    OSPI_CR = 0;
    if (!until_clear(OSPI_SR_BUSY, T_REGISTER)) return 0;
    OSPI_CR |= OSPI_CR_EN;
    return delay_block();
}

/* The part may be in DTR OPI (an earlier Init), STR OPI or SPI: a reset in each protocol
 * brings it to SPI; in the other protocols the command is a clock or two of noise with CS
 * high after it, which the part discards. */
static int reset_to_spi(void)
{
    if (!opi_command(OPI_RSTEN) || !opi_command(OPI_RST)) return 0;
    if (!transfer(CCR_IMODE_8 | CCR_ISIZE_16, 0, OPI_RSTEN, 0, 0, 0, 0)
        || !transfer(CCR_IMODE_8 | CCR_ISIZE_16, 0, OPI_RST, 0, 0, 0, 0)) return 0;
    if (!spi_command(SPI_RSTEN) || !spi_command(SPI_RST)) return 0;
    /* Reset recovery: about 4 ms at 48 MHz, longer than the part needs when no program or
     * erase was cut short (tREADY2; the exact figure not confirmed). If one was, the ID
     * below is not read and Init fails rather than guess. */
    for (volatile uint32_t i = 0; i < 40000u; i++) {
    }
    return 1;
}

static int flash_setup(void)
{
    if (!reset_to_spi()) return 0;
    uint8_t id[3];
    if (!transfer(CCR_IMODE_1 | CCR_DMODE_1, SPI_TCR, SPI_RDID, 0, 1, id, 3)
        || id[0] != ID0 || id[1] != ID1 || id[2] != ID2) return 0;
    /* SPI to DTR OPI: WREN, then WRCR2 0x0000_0000 <- DOPI. The part answers 8D-8D-8D from
     * the next command on; reading CR2 back in 8D-8D-8D confirms it. A one-byte register is
     * driven for the whole read, so it reads the same whether the part waits 4 or 5 clocks
     * (the ID, three different bytes, would not). */
    uint8_t dopi = CR2_DOPI, cr2[2];
    if (!spi_command(SPI_WREN)
        || !transfer(CCR_IMODE_1 | CCR_ADMODE_1 | CCR_ADSIZE_32 | CCR_DMODE_1, SPI_TCR, SPI_WRCR2, CR2_MODE_ADDR, 0, &dopi, 1))
        return 0;
    if (!opi_read_register(OPI_RDCR2, CR2_MODE_ADDR, cr2, 2)) return 0;
    return cr2[0] == CR2_DOPI && cr2[1] == CR2_DOPI;
}

/* ---- entry points ------------------------------------------------------------------- */
__attribute__((used)) uint32_t Init(void)
{
    __asm volatile("cpsid i" ::: "memory");
    for (volatile uint32_t *p = __bss_start__; p < __bss_end__; p++) *p = 0;
    if (!bring_up() || !flash_setup() || !mapped_on()) return LOADER_FAIL;
    return LOADER_OK;
}

/* DTR programs whole 2-byte words: a piece that starts or ends on an odd address is padded
 * with FFh, which leaves the neighbouring byte as it is (programming only clears bits). */
static uint8_t page_buffer[PAGE_SIZE];

__attribute__((used)) uint32_t Write(uint32_t Address, uint32_t Size, uint8_t *buffer)
{
    if (!in_device(Address, Size) || !mapped_off()) return LOADER_FAIL;
    uint32_t offset = Address - OSPI1_MEM_BASE, end = offset + Size;
    int ok = 1;
    while (ok && offset < end) {
        uint32_t n = PAGE_SIZE - (offset % PAGE_SIZE);
        if (n > end - offset) n = end - offset;
        uint32_t first = offset & ~1u, last = (offset + n + 1u) & ~1u;   /* [first, last) */
        for (uint32_t i = 0; i < last - first; i++) {
            uint32_t a = first + i;
            page_buffer[i] = (a >= offset && a < offset + n) ? buffer[a - offset] : 0xFFu;
        }
        ok = opi_command(OPI_WREN)
          && transfer(DTR_CMD | DTR_ADDR | DTR_DATA, DTR_TCR(0), OPI_PP4B, first, 0, page_buffer, last - first)
          && finish(T_PAGE_PROGRAM, SCUR_P_FAIL);
        offset += n;
        buffer += n;
    }
    ok = mapped_on() && ok;
    return ok ? LOADER_OK : LOADER_FAIL;
}

__attribute__((used)) uint32_t SectorErase(uint32_t EraseStartAddress, uint32_t EraseEndAddress)
{
    if (EraseEndAddress < EraseStartAddress
        || !in_device(EraseStartAddress, EraseEndAddress - EraseStartAddress + 1u) || !mapped_off()) return LOADER_FAIL;
    uint32_t offset = (EraseStartAddress - OSPI1_MEM_BASE) & ~(SECTOR_SIZE - 1u);
    uint32_t last = EraseEndAddress - OSPI1_MEM_BASE;
    int ok = 1;
    while (ok && offset <= last) {
        /* A whole 64 KiB block inside the request goes in one DC23h (about a tenth of the
         * time of its sixteen 4 KiB erases); the rest sector by sector. */
        int block = (offset & (BLOCK_SIZE - 1u)) == 0 && last - offset >= BLOCK_SIZE - 1u;
        ok = opi_command(OPI_WREN)
          && transfer(DTR_CMD | DTR_ADDR, DTR_TCR(0), block ? OPI_BE4B : OPI_SE4B, offset, 0, 0, 0)
          && finish(block ? T_BLOCK_ERASE : T_SECTOR_ERASE, SCUR_E_FAIL);
        offset += block ? BLOCK_SIZE : SECTOR_SIZE;
    }
    ok = mapped_on() && ok;
    return ok ? LOADER_OK : LOADER_FAIL;
}

__attribute__((used)) uint32_t MassErase(uint32_t Parallelism)
{
    (void)Parallelism;
    if (!mapped_off()) return LOADER_FAIL;
    int ok = opi_command(OPI_WREN) && opi_command(OPI_CE) && finish(T_CHIP_ERASE, SCUR_E_FAIL);
    ok = mapped_on() && ok;
    return ok ? LOADER_OK : LOADER_FAIL;
}

__attribute__((used)) uint32_t CheckSum(uint32_t StartAddress, uint32_t Size, uint32_t InitVal)
{
    const volatile uint8_t *p = (const volatile uint8_t *)(uintptr_t)StartAddress;
    for (uint32_t i = 0; i < Size; i++) InitVal += p[i];
    return InitVal;
}

__attribute__((used)) uint64_t Verify(uint32_t MemoryAddr, uint32_t RAMBufferAddr, uint32_t Size, uint32_t missalignement)
{
    uint32_t bytes = Size * 4u;
    uint64_t sum = CheckSum(MemoryAddr + (missalignement & 0xFu), bytes - ((missalignement >> 16) & 0xFu), 0);
    const volatile uint8_t *m = (const volatile uint8_t *)(uintptr_t)MemoryAddr;
    const uint8_t *r = (const uint8_t *)(uintptr_t)RAMBufferAddr;
    for (uint32_t i = 0; i < bytes; i++) {
        if (m[i] != r[i]) return (sum << 32) | (MemoryAddr + i);
    }
    return sum << 32;
}
