/* LoaderLab fixture: external loaders for catalog parts other than the IS25LP512M, on the
 * default STM32U5G7 wiring (OCTOSPI1, OCTOSPIM port 1, NCS PA2, CLK PB10, IO0 PE12,
 * IO1 PB0, IO2 PE14, IO3 PE15, AF10), 4 MHz reset clock.
 *
 * One of -DPART_W25Q512JV or -DPART_MT25QL512ABB picks the flash; the flash layer follows
 * that part's datasheet (docs/parts.md), not the IS25LP512M loader:
 *   W25Q512JV    ID EF 40 20; QE is status register 2 bit 1, written with 31h; 4-byte
 *                opcodes 34h (quad input page program), 21h (4K erase), 6Ch (quad output
 *                read, 8 dummies); WIP polled on 05h.
 *   MT25QL512ABB ID 20 BA 20; no QE; the same 4-byte opcodes; after each program/erase the
 *                flag status register (70h) is read: bit 4 program error, bit 5 erase
 *                error, bit 1 protection; on an error 50h clears it and the call fails.
 * WIRING_DUAL (W25Q512JV): the flash on two data lines through both OCTOSPIM ports, as a
 * board that wires a quad part "dual on OCTO" does: CLK on port 2 (PF4, AF5), NCS on port 1
 * (PC11, AF5), the flash's IO0/IO1 on port 1's IO4/IO5 pins (PD4, PD5, AF10), fed from
 * OCTOSPI1 IO[3:0] by PCR1.IOHSRC = 00; IO2/IO3 (WP#, HOLD#) are held high on the board.
 * Everything goes over one or two lines: 12h (1-1-1 page program), 3Ch (1-1-2 read); QE is
 * left alone. WIRING_DUAL_IOL_ONLY is the mistake of routing port 1's IO[3:0] (IOLEN) as on a
 * quad board: the flash's IO0/IO1 pins carry nothing. WIRING_DUAL_QUAD_PROGRAM keeps the
 * quad page program (34h, 1-1-4) on that board, whose IO2/IO3 do not reach the MCU.
 * One mistake per part, each switched in by one flag:
 *   BUG_QE_SR1_ONLY  (Winbond) QE written the ISSI way, 01h 40h: it lands in SR1 bit 6.
 *   BUG_FSR_IGNORED  (Micron)  only WIP is polled; a program/erase error goes unnoticed.
 */
#include "loader_abi.h"
#if !defined(PART_W25Q512JV) && !defined(PART_MT25QL512ABB)
#error "pass -DPART_W25Q512JV or -DPART_MT25QL512ABB"
#endif

#define FLASH_SIZE   0x04000000u
#define PAGE_SIZE    0x100u
#define SECTOR_SIZE  0x1000u

__attribute__((section(".Dev_info"), used))
const struct StorageInfo StorageInfo = {
    DEVICE_NAME, 3, OSPI1_MEM_BASE, FLASH_SIZE, PAGE_SIZE, 0xFF,
    { { FLASH_SIZE / SECTOR_SIZE, SECTOR_SIZE }, { 0, 0 } },
};

/* ---- timeouts in polling iterations (>= 0.75 us each at 4 MHz) ---------------------- */
/* W25Q512JV: tPP 3 ms, tSE 400 ms, tW 15 ms max; MT25QL512ABB: tPP 1.8 ms, tSE 400 ms. */
#define T_REGISTER      100000u
#define T_PAGE_PROGRAM  200000u
#define T_WRSR          200000u
#define T_SECTOR_ERASE  4000000u
#define T_CHIP_ERASE    1200000000u

/* ---- the part ---------------------------------------------------------------------- */
#define CMD_WREN          0x06u
#define CMD_RDSR          0x05u
#define CMD_RDID          0x9Fu
#define CMD_RESET_ENABLE  0x66u
#define CMD_RESET         0x99u
#define CMD_CHIP_ERASE    0xC7u
#define CMD_ERASE_4K_4B   0x21u
#if defined(WIRING_DUAL) && !defined(WIRING_DUAL_QUAD_PROGRAM)
#define CMD_PROGRAM_4B    0x12u   /* page program, 1-1-1, 32-bit address */
#define CMD_READ_QUAD_4B  0x3Cu   /* fast read dual output, 1-1-2, 8 dummy clocks */
#define PROGRAM_DMODE     CCR_DMODE_1
#define READ_DMODE        (2u << 24)
#elif defined(WIRING_DUAL_QUAD_PROGRAM)
#define CMD_PROGRAM_4B    0x34u
#define CMD_READ_QUAD_4B  0x3Cu
#define PROGRAM_DMODE     CCR_DMODE_4
#define READ_DMODE        (2u << 24)
#else
#define CMD_PROGRAM_4B    0x34u   /* quad input page program, 1-1-4, 32-bit address */
#define CMD_READ_QUAD_4B  0x6Cu   /* 1-1-4, 8 dummy clocks */
#define PROGRAM_DMODE     CCR_DMODE_4
#define READ_DMODE        CCR_DMODE_4
#endif
#define READ_DUMMY        8u
#define SR_WIP            0x01u

#if defined(PART_W25Q512JV)
#define ID0 0xEFu
#define ID1 0x40u
#define ID2 0x20u
#define CMD_RDSR2         0x35u
#define CMD_WRSR2         0x31u
#define CMD_WRSR1         0x01u
#define SR2_QE            0x02u
#else
#define ID0 0x20u
#define ID1 0xBAu
#define ID2 0x20u
#define CMD_RDFSR         0x70u
#define CMD_CLFSR         0x50u
#define FSR_READY         0x80u
#define FSR_ERASE_ERROR   0x20u
#define FSR_PROGRAM_ERROR 0x10u
#define FSR_PROTECTION    0x02u
#endif

/* ---- OCTOSPI1, indirect, auto-polling and memory-mapped ----------------------------- */
#include "ospi_indirect.h"

static int transfer(uint32_t ccr, uint32_t opcode, uint32_t address, int read, uint8_t *data, uint32_t n)
{
    if (!until_clear(OSPI_SR_BUSY, T_REGISTER)) return 0;
    mode(read ? OSPI_FMODE_IND_READ : OSPI_FMODE_IND_WRITE);
    OSPI_CCR = ccr;
    OSPI_TCR = 0;
    if (n != 0) OSPI_DLR = n - 1;
    OSPI_IR = opcode;
    if ((ccr & (7u << 8)) != 0) OSPI_AR = address;
    for (uint32_t i = 0; i < n; i++) {
        if (!until_set(read ? (OSPI_SR_FTF | OSPI_SR_TCF) : OSPI_SR_FTF, T_REGISTER)) return 0;
        if (read) data[i] = OSPI_DR8; else OSPI_DR8 = data[i];
    }
    if (!until_set(OSPI_SR_TCF, T_REGISTER)) return 0;
    OSPI_FCR = OSPI_FCR_ALL;
    return (OSPI_SR & OSPI_SR_TEF) == 0;
}

static int command(uint32_t opcode) { return transfer(CCR_IMODE_1, opcode, 0, 0, 0, 0); }

static int read_register(uint32_t opcode, uint8_t *out, uint32_t n)
{
    return transfer(CCR_IMODE_1 | CCR_DMODE_1, opcode, 0, 1, out, n);
}

__attribute__((unused)) static int write_register(uint32_t opcode, uint8_t value)
{
    return command(CMD_WREN) && transfer(CCR_IMODE_1 | CCR_DMODE_1, opcode, 0, 0, &value, 1);
}

#if defined(SOFTWARE_POLL)
/* WIP = 0 by reading 05h in software, one indirect read per poll and no deadline: how ST's
 * BSP loaders wait (BSP_OSPI_NOR_GetStatus in a loop; HAL_GetTick returns a constant when
 * SysTick interrupts do not run, so HAL's timeouts never expire). */
static int wait_ready(uint32_t timeout)
{
    (void)timeout;
    uint8_t sr;
    do {
        if (!read_register(CMD_RDSR, &sr, 1)) return 0;
    } while ((sr & SR_WIP) != 0);
    return 1;
}
#else
/* WIP = 0 by auto-polling 05h, with a timeout. */
static int wait_ready(uint32_t timeout)
{
    if (!until_clear(OSPI_SR_BUSY, T_REGISTER)) return 0;
    mode(OSPI_FMODE_IND_WRITE);
    OSPI_CCR = CCR_IMODE_1 | CCR_DMODE_1;
    OSPI_TCR = 0;
    OSPI_DLR = 0;
    OSPI_PSMKR = SR_WIP;
    OSPI_PSMAR = 0;
    OSPI_PIR = 0x10;
    mode(OSPI_FMODE_AUTOPOLL | OSPI_CR_APMS);
    OSPI_IR = CMD_RDSR;
    if (!until_set(OSPI_SR_SMF, timeout)) {
        (void)abort_transfer();
        return 0;
    }
    OSPI_FCR = OSPI_FCR_ALL;
    return 1;
}
#endif

/* After a program or erase: WIP, then on Micron the flag status register's verdict. */
static int finish(uint32_t timeout)
{
    if (!wait_ready(timeout)) return 0;
#if defined(PART_MT25QL512ABB) && !defined(BUG_FSR_IGNORED)
    uint8_t fsr;
    if (!read_register(CMD_RDFSR, &fsr, 1)) return 0;
    if ((fsr & (FSR_ERASE_ERROR | FSR_PROGRAM_ERROR | FSR_PROTECTION)) != 0) {
        (void)command(CMD_CLFSR);
        return 0;
    }
    if ((fsr & FSR_READY) == 0) return 0;
#endif
    return 1;
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
    OSPI_CCR = CCR_IMODE_1 | CCR_ADMODE_1 | CCR_ADSIZE_32 | READ_DMODE;
    OSPI_TCR = READ_DUMMY;
    OSPI_IR = CMD_READ_QUAD_4B;
    mode(OSPI_FMODE_MMAP);
    return 1;
}

/* ---- bring-up ----------------------------------------------------------------------- */
__attribute__((unused)) static void af10(uint32_t port, uint32_t pin)
{
    uint32_t s2 = 2u * pin, s4 = 4u * (pin & 7u);
    GPIO_OSPEEDR(port) |= 3u << s2;
    GPIO_AFR(port, pin >> 3) = (GPIO_AFR(port, pin >> 3) & ~(0xFu << s4)) | (10u << s4);
    GPIO_MODER(port) = (GPIO_MODER(port) & ~(3u << s2)) | (2u << s2);
}

#if defined(WIRING_DUAL)
static void af(uint32_t port, uint32_t pin, uint32_t function)
{
    uint32_t s2 = 2u * pin, s4 = 4u * (pin & 7u);
    GPIO_OSPEEDR(port) |= 3u << s2;
    GPIO_AFR(port, pin >> 3) = (GPIO_AFR(port, pin >> 3) & ~(0xFu << s4)) | (function << s4);
    GPIO_MODER(port) = (GPIO_MODER(port) & ~(3u << s2)) | (2u << s2);
}
#define GPIOC_BASE 0x42020800u
#define GPIOD_BASE 0x42020C00u
#define GPIOF_BASE 0x42021400u
#define OCTOSPIM_PCR2 REG32(OCTOSPIM_BASE + 0x08u)
#define OCTOSPIM_PCR_IOHEN (1u << 24)
#endif

static int bring_up(void)
{
#if defined(WIRING_DUAL)
    RCC_AHB2ENR1 |= (1u << 2) | (1u << 3) | (1u << 5) | RCC_AHB2ENR1_OCTOSPIMEN;  /* GPIOC, D, F */
#else
    RCC_AHB2ENR1 |= RCC_AHB2ENR1_GPIOAEN | RCC_AHB2ENR1_GPIOBEN | RCC_AHB2ENR1_GPIOEEN | RCC_AHB2ENR1_OCTOSPIMEN;
#endif
    RCC_AHB2ENR2 |= RCC_AHB2ENR2_OCTOSPI1EN;
    (void)RCC_AHB2ENR2;
    RCC_CCIPR2 &= ~RCC_CCIPR2_OCTOSPISEL;
#if defined(WIRING_DUAL)
    af(GPIOF_BASE, 4, 5u);     /* CLK: OCTOSPIM port 2 */
    af(GPIOC_BASE, 11, 5u);    /* NCS: port 1 */
    af(GPIOD_BASE, 4, 10u);    /* flash IO0 on port 1 IO4 */
    af(GPIOD_BASE, 5, 10u);    /* flash IO1 on port 1 IO5 */
#else
    af10(GPIOA_BASE, 2);
    af10(GPIOB_BASE, 10);
    af10(GPIOE_BASE, 12);
    af10(GPIOB_BASE, 0);
    af10(GPIOE_BASE, 14);
    af10(GPIOE_BASE, 15);
#endif
    if ((OSPI_CR & OSPI_CR_EN) != 0) {
        if (((OSPI_CR & OSPI_CR_FMODE_MASK) != 0 || (OSPI_SR & OSPI_SR_BUSY) != 0) && !abort_transfer()) return 0;
        OSPI_CR = 0;
    }
    OCTOSPIM_CR = 0;
#if defined(WIRING_DUAL_IOL_ONLY)
    OCTOSPIM_PCR1 = OCTOSPIM_PCR_NCSEN | OCTOSPIM_PCR_IOLEN;
    OCTOSPIM_PCR2 = OCTOSPIM_PCR_CLKEN;
#elif defined(WIRING_DUAL)
    /* Port 1: NCS and IO[7:4] <- OCTOSPI1 IO[3:0] (IOHSRC = 00); port 2: CLK <- OCTOSPI1. */
    OCTOSPIM_PCR1 = OCTOSPIM_PCR_NCSEN | OCTOSPIM_PCR_IOHEN;
    OCTOSPIM_PCR2 = OCTOSPIM_PCR_CLKEN;
#else
    OCTOSPIM_PCR1 = OCTOSPIM_PCR_CLKEN | OCTOSPIM_PCR_NCSEN | OCTOSPIM_PCR_IOLEN;
#endif
    OSPI_DCR1 = OSPI_DCR1_DEVSIZE(25) | OSPI_DCR1_CSHT(1) | OSPI_DCR1_DLYBYP;
    OSPI_DCR2 = 0;
    OSPI_CR = 0;
    if (!until_clear(OSPI_SR_BUSY, T_REGISTER)) return 0;
    OSPI_CR |= OSPI_CR_EN;
    return 1;
}

static int flash_setup(void)
{
    if (!command(CMD_RESET_ENABLE) || !command(CMD_RESET)) return 0;
    for (volatile uint32_t i = 0; i < 2000u; i++) {
    }
    uint8_t id[3];
    if (!read_register(CMD_RDID, id, 3) || id[0] != ID0 || id[1] != ID1 || id[2] != ID2) return 0;
#if defined(PART_W25Q512JV) && !defined(WIRING_DUAL)
#if defined(BUG_QE_SR1_ONLY)
    /* The ISSI habit: QE is "status register bit 6". On this part that is SR1's TB bit. */
    uint8_t sr1;
    if (!read_register(CMD_RDSR, &sr1, 1)) return 0;
    if ((sr1 & 0x40u) == 0) {
        if (!write_register(CMD_WRSR1, 0x40u) || !wait_ready(T_WRSR)) return 0;
    }
#else
    uint8_t sr2;
    if (!read_register(CMD_RDSR2, &sr2, 1)) return 0;
    if ((sr2 & SR2_QE) == 0) {
        if (!write_register(CMD_WRSR2, (uint8_t)(sr2 | SR2_QE)) || !wait_ready(T_WRSR)
            || !read_register(CMD_RDSR2, &sr2, 1) || (sr2 & SR2_QE) == 0) return 0;
    }
#endif
#endif
    return 1;
}

/* ---- entry points ------------------------------------------------------------------- */
__attribute__((used)) uint32_t Init(void)
{
    __asm volatile("cpsid i" ::: "memory");
    for (volatile uint32_t *p = __bss_start__; p < __bss_end__; p++) *p = 0;
    if (!bring_up() || !flash_setup() || !mapped_on()) return LOADER_FAIL;
    return LOADER_OK;
}

__attribute__((used)) uint32_t Write(uint32_t Address, uint32_t Size, uint8_t *buffer)
{
    if (!in_device(Address, Size) || !mapped_off()) return LOADER_FAIL;
    uint32_t offset = Address - OSPI1_MEM_BASE, end = offset + Size;
    int ok = 1;
    while (ok && offset < end) {
        uint32_t n = PAGE_SIZE - (offset % PAGE_SIZE);
        if (n > end - offset) n = end - offset;
        ok = command(CMD_WREN)
          && transfer(CCR_IMODE_1 | CCR_ADMODE_1 | CCR_ADSIZE_32 | PROGRAM_DMODE, CMD_PROGRAM_4B, offset, 0, buffer, n)
          && finish(T_PAGE_PROGRAM);
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
        ok = command(CMD_WREN)
          && transfer(CCR_IMODE_1 | CCR_ADMODE_1 | CCR_ADSIZE_32, CMD_ERASE_4K_4B, offset, 0, 0, 0)
          && finish(T_SECTOR_ERASE);
        offset += SECTOR_SIZE;
    }
    ok = mapped_on() && ok;
    return ok ? LOADER_OK : LOADER_FAIL;
}

__attribute__((used)) uint32_t MassErase(uint32_t Parallelism)
{
    (void)Parallelism;
    if (!mapped_off()) return LOADER_FAIL;
    int ok = command(CMD_WREN) && command(CMD_CHIP_ERASE) && finish(T_CHIP_ERASE);
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
