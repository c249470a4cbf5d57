/* LoaderLab fixture: an STM32CubeProgrammer external loader for the default
 * board (STM32U5G7 + ISSI IS25LP512M on OCTOSPI1, OCTOSPIM port 1: NCS PA2,
 * CLK PB10, IO0 PE12, IO1 PB0, IO2 PE14, IO3 PE15, all AF10), written the way
 * ST's external-loader template and CubeMX lead people to write one: HAL_Init,
 * SystemClock_Config, MX_OCTOSPI1_Init, HAL_OSPI_Command/Transmit/AutoPolling/
 * MemoryMapped/Abort, timeouts on HAL_GetTick.
 *
 * Built against STM32CubeU5 HAL v1.6.3 (../shared/vendor/stm32u5) by build.sh.
 * Without HAL_BUG_* flags it is correct; SYSCLK_PLL160 picks PLL1 at 160 MHz
 * instead of the 4 MHz MSIS. Each HAL_BUG_* flag adds exactly one mistake:
 *   HAL_BUG_RETURN_HAL_OK   Write returns HAL_OK (0) on success
 *   HAL_BUG_SYSTICK_IRQ     HAL's own HAL_InitTick/HAL_GetTick (SysTick interrupt)
 *                           with interrupts off, as loaders run
 *   HAL_BUG_MMAP_NO_ABORT   Write/SectorErase call HAL_OSPI_Command while the
 *                           driver is memory-mapped, without HAL_OSPI_Abort
 *   HAL_BUG_BSS_NOT_ZEROED  Init assumes .bss is zero (the handle's State)
 *   HAL_BUG_CLOCK_ORDER     SystemClock_Config selects the PLL before raising
 *                           the voltage scale
 * SYSCLK_FROM_HSE (with SYSCLK_PLL160) feeds PLL1 from an HSE crystal of
 * HSE_VALUE (16 MHz unless -DHSE_VALUE=...), as
 * CubeMX does for a board that has one: correct on such a board, stuck on one
 * without (HSERDY never rises, HAL_RCC_OscConfig times out).
 */
#include <stdint.h>
#include <string.h>
#include "stm32u5xx_hal.h"

#ifndef DEVICE_NAME
#error "pass -DDEVICE_NAME=\"<file stem>\""
#endif

#define LOADER_OK   1
#define LOADER_FAIL 0

/* ---- StorageInfo (Dev_Inf.c in ST's template) ---------------------------- */

struct DeviceSectors { uint32_t SectorNum; uint32_t SectorSize; };
struct StorageInfo {
    char     DeviceName[100];
    uint16_t DeviceType;
    uint32_t DeviceStartAddress;
    uint32_t DeviceSize;
    uint32_t PageSize;
    uint8_t  EraseValue;
    struct DeviceSectors sectors[10];
};
_Static_assert(sizeof(struct StorageInfo) == 200, "StorageInfo is 200 bytes");

#define FLASH_BYTES   0x04000000u   /* 64 MiB */
#define SECTOR_BYTES  0x00010000u   /* 64 KiB blocks (4BER DCh) */
#define PAGE_BYTES    0x100u

__attribute__((section(".Dev_info"), used))
const struct StorageInfo StorageInfo = {
    DEVICE_NAME, 3 /* NOR_FLASH */, 0x90000000u, FLASH_BYTES, PAGE_BYTES, 0xFF,
    { { FLASH_BYTES / SECTOR_BYTES, SECTOR_BYTES }, { 0, 0 } },
};

/* ---- C runtime the programmer does not provide ----------------------------- */

void *memset(void *d, int c, size_t n) { uint8_t *p = d; while (n--) *p++ = (uint8_t)c; return d; }
void *memcpy(void *d, const void *s, size_t n) { uint8_t *p = d; const uint8_t *q = s; while (n--) *p++ = *q++; return d; }

extern uint32_t __bss_start__[], __bss_end__[];

/* ---- HAL tick ------------------------------------------------------------- */

#ifndef HAL_BUG_SYSTICK_IRQ
/* Loaders run with interrupts off: the tick is the DWT cycle counter, read on
 * demand (the usual fix for ST's template, whose SysTick interrupt never fires). */
static uint32_t s_tick_ms, s_last_cycles, s_cycles;

HAL_StatusTypeDef HAL_InitTick(uint32_t TickPriority)
{
    (void)TickPriority;
    CoreDebug->DEMCR |= CoreDebug_DEMCR_TRCENA_Msk;
    DWT->CYCCNT = 0;
    DWT->CTRL |= DWT_CTRL_CYCCNTENA_Msk;
    s_last_cycles = 0;
    s_cycles = 0;
    return HAL_OK;
}

uint32_t HAL_GetTick(void)
{
    uint32_t now = DWT->CYCCNT;
    s_cycles += now - s_last_cycles;
    s_last_cycles = now;
    uint32_t per_ms = SystemCoreClock / 1000u;
    while (s_cycles >= per_ms) {
        s_cycles -= per_ms;
        s_tick_ms++;
    }
    return s_tick_ms;
}
#endif

/* ---- Clocks (CubeMX's SystemClock_Config) ---------------------------------- */

static int SystemClock_Config(void)
{
    RCC_OscInitTypeDef osc = {0};
    RCC_ClkInitTypeDef clk = {0};

    __HAL_RCC_PWR_CLK_ENABLE();
#ifndef HAL_BUG_CLOCK_ORDER
    if (HAL_PWREx_ControlVoltageScaling(PWR_REGULATOR_VOLTAGE_SCALE1) != HAL_OK) {
        return 0;
    }
#endif
#if defined(SYSCLK_FROM_HSE)
    osc.OscillatorType = RCC_OSCILLATORTYPE_HSE;
    osc.HSEState = RCC_HSE_ON;
#else
    osc.OscillatorType = RCC_OSCILLATORTYPE_MSI;
    osc.MSIState = RCC_MSI_ON;
    osc.MSICalibrationValue = RCC_MSICALIBRATION_DEFAULT;
    osc.MSIClockRange = RCC_MSIRANGE_4;
#endif
#if defined(SYSCLK_PLL160)
    osc.PLL.PLLState = RCC_PLL_ON;
    osc.PLL.PLLMBOOST = RCC_PLLMBOOST_DIV1;
    osc.PLL.PLLM = 1;
#if defined(SYSCLK_FROM_HSE)
    /* HSE_VALUE MHz in (range 8-16 MHz), to a 320 MHz VCO, /2 = 160 MHz. */
    osc.PLL.PLLSource = RCC_PLLSOURCE_HSE;
    osc.PLL.PLLN = 320000000u / HSE_VALUE;
    osc.PLL.PLLRGE = RCC_PLLVCIRANGE_1;
#else
    osc.PLL.PLLSource = RCC_PLLSOURCE_MSI;
    osc.PLL.PLLN = 80;
    osc.PLL.PLLRGE = RCC_PLLVCIRANGE_0;
#endif
    osc.PLL.PLLP = 2;
    osc.PLL.PLLQ = 2;
    osc.PLL.PLLR = 2;
    osc.PLL.PLLFRACN = 0;
#else
    osc.PLL.PLLState = RCC_PLL_NONE;
#endif
    if (HAL_RCC_OscConfig(&osc) != HAL_OK) {
        return 0;
    }
    clk.ClockType = RCC_CLOCKTYPE_HCLK | RCC_CLOCKTYPE_SYSCLK | RCC_CLOCKTYPE_PCLK1
                  | RCC_CLOCKTYPE_PCLK2 | RCC_CLOCKTYPE_PCLK3;
#if defined(SYSCLK_PLL160)
    clk.SYSCLKSource = RCC_SYSCLKSOURCE_PLLCLK;
    const uint32_t latency = FLASH_LATENCY_4;
#else
    clk.SYSCLKSource = RCC_SYSCLKSOURCE_MSI;
    const uint32_t latency = FLASH_LATENCY_0;
#endif
    clk.AHBCLKDivider = RCC_SYSCLK_DIV1;
    clk.APB1CLKDivider = RCC_HCLK_DIV1;
    clk.APB2CLKDivider = RCC_HCLK_DIV1;
    clk.APB3CLKDivider = RCC_HCLK_DIV1;
    if (HAL_RCC_ClockConfig(&clk, latency) != HAL_OK) {
        return 0;
    }
#ifdef HAL_BUG_CLOCK_ORDER
    /* Mistake: the voltage scale is raised after SYSCLK already runs from the
     * 160 MHz PLL (range 4 allows 24 MHz at most). */
    if (HAL_PWREx_ControlVoltageScaling(PWR_REGULATOR_VOLTAGE_SCALE1) != HAL_OK) {
        return 0;
    }
#endif
    return 1;
}

/* ---- OCTOSPI1 (MX_OCTOSPI1_Init and HAL_OSPI_MspInit) -------------------- */

static OSPI_HandleTypeDef hospi1;

void HAL_OSPI_MspInit(OSPI_HandleTypeDef *hospi)
{
    GPIO_InitTypeDef gpio = {0};
    RCC_PeriphCLKInitTypeDef clk = {0};
    (void)hospi;

    clk.PeriphClockSelection = RCC_PERIPHCLK_OSPI;
    clk.OspiClockSelection = RCC_OSPICLKSOURCE_SYSCLK;
    (void)HAL_RCCEx_PeriphCLKConfig(&clk);

    __HAL_RCC_OSPIM_CLK_ENABLE();
    __HAL_RCC_OSPI1_CLK_ENABLE();
    __HAL_RCC_GPIOA_CLK_ENABLE();
    __HAL_RCC_GPIOB_CLK_ENABLE();
    __HAL_RCC_GPIOE_CLK_ENABLE();

    gpio.Mode = GPIO_MODE_AF_PP;
    gpio.Pull = GPIO_NOPULL;
    gpio.Speed = GPIO_SPEED_FREQ_VERY_HIGH;
    gpio.Alternate = GPIO_AF10_OCTOSPI1;
    gpio.Pin = GPIO_PIN_2;                                   /* NCS */
    HAL_GPIO_Init(GPIOA, &gpio);
    gpio.Pin = GPIO_PIN_10 | GPIO_PIN_0;                     /* CLK, IO1 */
    HAL_GPIO_Init(GPIOB, &gpio);
    gpio.Pin = GPIO_PIN_12 | GPIO_PIN_14 | GPIO_PIN_15;      /* IO0, IO2, IO3 */
    HAL_GPIO_Init(GPIOE, &gpio);
}

static int MX_OCTOSPI1_Init(void)
{
    OSPIM_CfgTypeDef om = {0};

    hospi1.Instance = OCTOSPI1;
    hospi1.Init.FifoThreshold = 4;
    hospi1.Init.DualQuad = HAL_OSPI_DUALQUAD_DISABLE;
    hospi1.Init.MemoryType = HAL_OSPI_MEMTYPE_MICRON;
    hospi1.Init.DeviceSize = 26;                             /* 2^26 = 64 MiB */
    hospi1.Init.ChipSelectHighTime = 2;
    hospi1.Init.FreeRunningClock = HAL_OSPI_FREERUNCLK_DISABLE;
    hospi1.Init.ClockMode = HAL_OSPI_CLOCK_MODE_0;
    hospi1.Init.WrapSize = HAL_OSPI_WRAP_NOT_SUPPORTED;
#if defined(SYSCLK_PLL160)
    hospi1.Init.ClockPrescaler = 2;                          /* 80 MHz */
#else
    hospi1.Init.ClockPrescaler = 1;                          /* 4 MHz */
#endif
    hospi1.Init.SampleShifting = HAL_OSPI_SAMPLE_SHIFTING_NONE;
    hospi1.Init.DelayHoldQuarterCycle = HAL_OSPI_DHQC_DISABLE;
    hospi1.Init.ChipSelectBoundary = 0;
    hospi1.Init.DelayBlockBypass = HAL_OSPI_DELAY_BLOCK_BYPASSED;
    hospi1.Init.MaxTran = 0;
    hospi1.Init.Refresh = 0;
    if (HAL_OSPI_Init(&hospi1) != HAL_OK) {
        return 0;
    }
    om.ClkPort = 1;
    om.NCSPort = 1;
    om.IOLowPort = HAL_OSPIM_IOPORT_1_LOW;
    if (HAL_OSPIM_Config(&hospi1, &om, HAL_OSPI_TIMEOUT_DEFAULT_VALUE) != HAL_OK) {
        return 0;
    }
    return 1;
}

/* ---- IS25LP512M through the HAL (the template's CSP_* layer) ------------- */

#define CMD_RESET_ENABLE 0x66u
#define CMD_RESET        0x99u
#define CMD_RDID         0x9Fu
#define CMD_RDSR         0x05u
#define CMD_WRSR         0x01u
#define CMD_WREN         0x06u
#define CMD_4PPQ         0x34u   /* quad input page program, 4-byte address */
#define CMD_4BER64       0xDCu   /* 64 KiB block erase, 4-byte address */
#define CMD_CHIP_ERASE   0xC7u
#define CMD_4QOR         0x6Cu   /* quad output read, 4-byte address, 8 dummies */
#define SR_WIP 0x01u
#define SR_WEL 0x02u
#define SR_QE  0x40u

static void command_template(OSPI_RegularCmdTypeDef *c, uint32_t instruction)
{
    memset(c, 0, sizeof *c);
    c->OperationType = HAL_OSPI_OPTYPE_COMMON_CFG;
    c->FlashId = HAL_OSPI_FLASH_ID_1;
    c->Instruction = instruction;
    c->InstructionMode = HAL_OSPI_INSTRUCTION_1_LINE;
    c->InstructionSize = HAL_OSPI_INSTRUCTION_8_BITS;
    c->InstructionDtrMode = HAL_OSPI_INSTRUCTION_DTR_DISABLE;
    c->AddressMode = HAL_OSPI_ADDRESS_NONE;
    c->AddressSize = HAL_OSPI_ADDRESS_32_BITS;
    c->AddressDtrMode = HAL_OSPI_ADDRESS_DTR_DISABLE;
    c->AlternateBytesMode = HAL_OSPI_ALTERNATE_BYTES_NONE;
    c->DataMode = HAL_OSPI_DATA_NONE;
    c->DataDtrMode = HAL_OSPI_DATA_DTR_DISABLE;
    c->DummyCycles = 0;
    c->DQSMode = HAL_OSPI_DQS_DISABLE;
    c->SIOOMode = HAL_OSPI_SIOO_INST_EVERY_CMD;
}

static int flash_simple(uint32_t instruction)
{
    OSPI_RegularCmdTypeDef c;
    command_template(&c, instruction);
    return HAL_OSPI_Command(&hospi1, &c, HAL_OSPI_TIMEOUT_DEFAULT_VALUE) == HAL_OK;
}

static int flash_read_register(uint32_t instruction, uint8_t *out, uint32_t n)
{
    OSPI_RegularCmdTypeDef c;
    command_template(&c, instruction);
    c.DataMode = HAL_OSPI_DATA_1_LINE;
    c.NbData = n;
    if (HAL_OSPI_Command(&hospi1, &c, HAL_OSPI_TIMEOUT_DEFAULT_VALUE) != HAL_OK) {
        return 0;
    }
    return HAL_OSPI_Receive(&hospi1, out, HAL_OSPI_TIMEOUT_DEFAULT_VALUE) == HAL_OK;
}

/* Polls RDSR in the OCTOSPI (automatic stop) until (SR & mask) == match. */
static int flash_auto_poll(uint32_t mask, uint32_t match, uint32_t timeout_ms)
{
    OSPI_RegularCmdTypeDef c;
    OSPI_AutoPollingTypeDef p = {0};
    command_template(&c, CMD_RDSR);
    c.DataMode = HAL_OSPI_DATA_1_LINE;
    c.NbData = 1;
    if (HAL_OSPI_Command(&hospi1, &c, HAL_OSPI_TIMEOUT_DEFAULT_VALUE) != HAL_OK) {
        return 0;
    }
    p.Match = match;
    p.Mask = mask;
    p.MatchMode = HAL_OSPI_MATCH_MODE_AND;
    p.AutomaticStop = HAL_OSPI_AUTOMATIC_STOP_ENABLE;
    p.Interval = 0x10;
    return HAL_OSPI_AutoPolling(&hospi1, &p, timeout_ms) == HAL_OK;
}

static int flash_write_enable(void)
{
    return flash_simple(CMD_WREN) && flash_auto_poll(SR_WEL, SR_WEL, HAL_OSPI_TIMEOUT_DEFAULT_VALUE);
}

static int flash_reset_and_identify(void)
{
    uint8_t id[3];
    uint8_t sr;
    if (!flash_simple(CMD_RESET_ENABLE) || !flash_simple(CMD_RESET)) {
        return 0;
    }
    HAL_Delay(1);                                           /* tRST */
    if (!flash_read_register(CMD_RDID, id, 3) || id[0] != 0x9D) {
        return 0;
    }
    if (!flash_read_register(CMD_RDSR, &sr, 1)) {
        return 0;
    }
    if ((sr & (SR_QE | 0x3Cu)) != SR_QE) {
        OSPI_RegularCmdTypeDef c;
        uint8_t value = SR_QE;                               /* QE = 1, no block protected */
        if (!flash_write_enable()) {
            return 0;
        }
        command_template(&c, CMD_WRSR);
        c.DataMode = HAL_OSPI_DATA_1_LINE;
        c.NbData = 1;
        if (HAL_OSPI_Command(&hospi1, &c, HAL_OSPI_TIMEOUT_DEFAULT_VALUE) != HAL_OK
            || HAL_OSPI_Transmit(&hospi1, &value, HAL_OSPI_TIMEOUT_DEFAULT_VALUE) != HAL_OK
            || !flash_auto_poll(SR_WIP, 0, HAL_OSPI_TIMEOUT_DEFAULT_VALUE)) {
            return 0;
        }
    }
    return 1;
}

static int memory_mapped_enable(void)
{
    OSPI_RegularCmdTypeDef c;
    OSPI_MemoryMappedTypeDef m = {0};
    command_template(&c, CMD_4QOR);
    c.OperationType = HAL_OSPI_OPTYPE_READ_CFG;
    c.AddressMode = HAL_OSPI_ADDRESS_1_LINE;
    c.DataMode = HAL_OSPI_DATA_4_LINES;
    c.DummyCycles = 8;
    if (HAL_OSPI_Command(&hospi1, &c, HAL_OSPI_TIMEOUT_DEFAULT_VALUE) != HAL_OK) {
        return 0;
    }
    command_template(&c, CMD_4PPQ);
    c.OperationType = HAL_OSPI_OPTYPE_WRITE_CFG;
    c.AddressMode = HAL_OSPI_ADDRESS_1_LINE;
    c.DataMode = HAL_OSPI_DATA_4_LINES;
    if (HAL_OSPI_Command(&hospi1, &c, HAL_OSPI_TIMEOUT_DEFAULT_VALUE) != HAL_OK) {
        return 0;
    }
    m.TimeOutActivation = HAL_OSPI_TIMEOUT_COUNTER_DISABLE;
    return HAL_OSPI_MemoryMapped(&hospi1, &m) == HAL_OK;
}

/* Leaves memory-mapped mode before an indirect command (HAL_OSPI_Command
 * refuses while the driver state is BUSY_MEM_MAPPED). */
static int memory_mapped_leave(void)
{
#ifdef HAL_BUG_MMAP_NO_ABORT
    return 1;
#else
    return HAL_OSPI_Abort(&hospi1) == HAL_OK;
#endif
}

/* ---- Entry points ---------------------------------------------------------- */

int Init(void)
{
#ifndef HAL_BUG_BSS_NOT_ZEROED
    for (uint32_t *p = __bss_start__; p < __bss_end__; p++) {
        *p = 0;
    }
#endif
    __disable_irq();
    SystemInit();
    if (HAL_Init() != HAL_OK || !SystemClock_Config()) {
        return LOADER_FAIL;
    }
    /* The OCTOSPI keeps its state between the programmer's operations (it may
     * still be memory-mapped): reset it, as the template does. */
    __HAL_RCC_OSPI1_FORCE_RESET();
    __HAL_RCC_OSPI1_RELEASE_RESET();
    if (!MX_OCTOSPI1_Init() || !flash_reset_and_identify() || !memory_mapped_enable()) {
        return LOADER_FAIL;
    }
    return LOADER_OK;
}

int SectorErase(uint32_t EraseStartAddress, uint32_t EraseEndAddress)
{
    if (!memory_mapped_leave()) {
        return LOADER_FAIL;
    }
    uint32_t a = (EraseStartAddress - 0x90000000u) & ~(SECTOR_BYTES - 1u);
    uint32_t end = EraseEndAddress - 0x90000000u;
    for (; a <= end; a += SECTOR_BYTES) {
        OSPI_RegularCmdTypeDef c;
        if (!flash_write_enable()) {
            return LOADER_FAIL;
        }
        command_template(&c, CMD_4BER64);
        c.AddressMode = HAL_OSPI_ADDRESS_1_LINE;
        c.Address = a;
        if (HAL_OSPI_Command(&hospi1, &c, HAL_OSPI_TIMEOUT_DEFAULT_VALUE) != HAL_OK
            || !flash_auto_poll(SR_WIP, 0, 2000)) {
            return LOADER_FAIL;
        }
    }
    return memory_mapped_enable() ? LOADER_OK : LOADER_FAIL;
}

int MassErase(uint32_t Parallelism)
{
    (void)Parallelism;
    if (!memory_mapped_leave() || !flash_write_enable() || !flash_simple(CMD_CHIP_ERASE)
        || !flash_auto_poll(SR_WIP, 0, 400000)) {
        return LOADER_FAIL;
    }
    return memory_mapped_enable() ? LOADER_OK : LOADER_FAIL;
}

static HAL_StatusTypeDef write_memory(uint32_t offset, uint32_t size, uint8_t *buffer)
{
    while (size > 0) {
        uint32_t n = PAGE_BYTES - (offset & (PAGE_BYTES - 1u));
        if (n > size) {
            n = size;
        }
        OSPI_RegularCmdTypeDef c;
        if (!flash_write_enable()) {
            return HAL_ERROR;
        }
        command_template(&c, CMD_4PPQ);
        c.AddressMode = HAL_OSPI_ADDRESS_1_LINE;
        c.Address = offset;
        c.DataMode = HAL_OSPI_DATA_4_LINES;
        c.NbData = n;
        if (HAL_OSPI_Command(&hospi1, &c, HAL_OSPI_TIMEOUT_DEFAULT_VALUE) != HAL_OK
            || HAL_OSPI_Transmit(&hospi1, buffer, HAL_OSPI_TIMEOUT_DEFAULT_VALUE) != HAL_OK
            || !flash_auto_poll(SR_WIP, 0, 100)) {
            return HAL_ERROR;
        }
        offset += n;
        buffer += n;
        size -= n;
    }
    return HAL_OK;
}

int Write(uint32_t Address, uint32_t Size, uint8_t *buffer)
{
    if (!memory_mapped_leave()) {
        return LOADER_FAIL;
    }
    HAL_StatusTypeDef status = write_memory(Address - 0x90000000u, Size, buffer);
    if (status == HAL_OK && !memory_mapped_enable()) {
        status = HAL_ERROR;
    }
#ifdef HAL_BUG_RETURN_HAL_OK
    /* Mistake: the HAL status is the loader's result (HAL_OK is 0). */
    return status;
#else
    return status == HAL_OK ? LOADER_OK : LOADER_FAIL;
#endif
}

/* Read-back goes through the memory-mapped window (the driver is in
 * memory-mapped mode between calls). */
uint32_t CheckSum(uint32_t StartAddress, uint32_t Size, uint32_t InitVal)
{
    uint8_t *p = (uint8_t *)StartAddress;
    for (uint32_t i = 0; i < Size; i++) {
        InitVal += p[i];
    }
    return InitVal;
}

uint64_t Verify(uint32_t MemoryAddr, uint32_t RAMBufferAddr, uint32_t Size, uint32_t missalignement)
{
    (void)missalignement;
    const uint8_t *flash = (const uint8_t *)MemoryAddr;
    const uint8_t *ram = (const uint8_t *)RAMBufferAddr;
    for (uint32_t i = 0; i < Size; i++) {
        if (flash[i] != ram[i]) {
            return (uint64_t)(MemoryAddr + i);
        }
    }
    return (uint64_t)(MemoryAddr + Size);
}
