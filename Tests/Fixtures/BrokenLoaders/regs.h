/* STM32U5G7 register addresses and fields used by the fixture loaders.
 * Every value is from /work/shared/reference/stm32u5.md §B (cmsis-device-u5
 * stm32u5g7xx.h v1.4.2); non-secure aliases because TZEN = 0 by default. */
#ifndef BROKEN_LOADERS_REGS_H
#define BROKEN_LOADERS_REGS_H

#include <stdint.h>

#define REG32(addr) (*(volatile uint32_t *)(uintptr_t)(addr))
#define REG8(addr)  (*(volatile uint8_t *)(uintptr_t)(addr))

/* RCC (§B.4) */
#define RCC_BASE            0x46020C00u
#define RCC_CR              REG32(RCC_BASE + 0x00u)
#define RCC_CR_HSEON            (1u << 16)
#define RCC_CR_HSERDY           (1u << 17)
#define RCC_CR_PLL1ON           (1u << 24)
#define RCC_CR_PLL1RDY          (1u << 25)
#define RCC_PLL1CFGR        REG32(RCC_BASE + 0x28u)
#define RCC_AHB2ENR1        REG32(RCC_BASE + 0x8Cu)
#define RCC_AHB2ENR2        REG32(RCC_BASE + 0x90u)
#define RCC_CCIPR2          REG32(RCC_BASE + 0xE4u)
#define RCC_AHB2ENR1_GPIOAEN    (1u << 0)
#define RCC_AHB2ENR1_GPIOBEN    (1u << 1)
#define RCC_AHB2ENR1_GPIOEEN    (1u << 4)
#define RCC_AHB2ENR1_OCTOSPIMEN (1u << 21)
#define RCC_AHB2ENR2_OCTOSPI1EN (1u << 4)
#define RCC_CCIPR2_OCTOSPISEL   (3u << 20)   /* 00 = SYSCLK */

/* GPIO (§B.5) */
#define GPIOA_BASE          0x42020000u
#define GPIOB_BASE          0x42020400u
#define GPIOE_BASE          0x42021000u
#define GPIO_MODER(p)       REG32((p) + 0x00u)
#define GPIO_OSPEEDR(p)     REG32((p) + 0x08u)
#define GPIO_AFR(p, i)      REG32((p) + 0x20u + 4u * (i))

/* OCTOSPIM (§B.3) */
#define OCTOSPIM_BASE       0x420C4000u
#define OCTOSPIM_CR         REG32(OCTOSPIM_BASE + 0x00u)
#define OCTOSPIM_PCR1       REG32(OCTOSPIM_BASE + 0x04u)
#define OCTOSPIM_PCR_CLKEN  (1u << 0)
#define OCTOSPIM_PCR_NCSEN  (1u << 8)
#define OCTOSPIM_PCR_IOLEN  (1u << 16)
#define OCTOSPIM_PCR_IOLSRC_OCTOSPI2_LOW (2u << 17)

/* OCTOSPI1 registers (§B.2) */
#define OSPI_BASE           0x420D1400u
#define OSPI_CR             REG32(OSPI_BASE + 0x000u)
#define OSPI_DCR1           REG32(OSPI_BASE + 0x008u)
#define OSPI_DCR2           REG32(OSPI_BASE + 0x00Cu)
#define OSPI_SR             REG32(OSPI_BASE + 0x020u)
#define OSPI_FCR            REG32(OSPI_BASE + 0x024u)
#define OSPI_DLR            REG32(OSPI_BASE + 0x040u)
#define OSPI_AR             REG32(OSPI_BASE + 0x048u)
#define OSPI_DR8            REG8(OSPI_BASE + 0x050u)
#define OSPI_PSMKR          REG32(OSPI_BASE + 0x080u)
#define OSPI_PSMAR          REG32(OSPI_BASE + 0x088u)
#define OSPI_PIR            REG32(OSPI_BASE + 0x090u)
#define OSPI_CCR            REG32(OSPI_BASE + 0x100u)
#define OSPI_TCR            REG32(OSPI_BASE + 0x108u)
#define OSPI_IR             REG32(OSPI_BASE + 0x110u)

#define OSPI_CR_EN          (1u << 0)
#define OSPI_CR_ABORT       (1u << 1)
#define OSPI_CR_FTHRES_MASK (0x1Fu << 8)
#define OSPI_CR_APMS        (1u << 22)
#define OSPI_CR_PMM         (1u << 23)
#define OSPI_CR_FMODE_MASK  (3u << 28)
#define OSPI_FMODE_IND_WRITE (0u << 28)
#define OSPI_FMODE_IND_READ  (1u << 28)
#define OSPI_FMODE_AUTOPOLL  (2u << 28)
#define OSPI_FMODE_MMAP      (3u << 28)

#define OSPI_DCR1_DLYBYP    (1u << 3)
#define OSPI_DCR1_CSHT(n)   ((uint32_t)(n) << 8)
#define OSPI_DCR1_DEVSIZE(n) ((uint32_t)(n) << 16)

#define OSPI_SR_TEF         (1u << 0)
#define OSPI_SR_TCF         (1u << 1)
#define OSPI_SR_FTF         (1u << 2)
#define OSPI_SR_SMF         (1u << 3)
#define OSPI_SR_BUSY        (1u << 5)
#define OSPI_FCR_ALL        0x1Bu          /* CTEF | CTCF | CSMF | CTOF */

/* CCR phase fields: mode encoding 000 none, 001 1 line, 011 4 lines;
 * size encoding 10 = 24 bit, 11 = 32 bit. */
#define CCR_IMODE_1         (1u << 0)
#define CCR_ADMODE_1        (1u << 8)
#define CCR_ADSIZE_24       (2u << 12)
#define CCR_ADSIZE_32       (3u << 12)
#define CCR_DMODE_1         (1u << 24)
#define CCR_DMODE_4         (3u << 24)

/* Memory-mapped window of OCTOSPI1 (§B.1) */
#define OSPI1_MEM_BASE      0x90000000u

/* Cortex-M33 system registers (§B.7) */
#define SYST_CSR            REG32(0xE000E010u)
#define SYST_RVR            REG32(0xE000E014u)
#define SYST_CVR            REG32(0xE000E018u)
#define SYST_CSR_ENABLE     (1u << 0)
#define SYST_CSR_TICKINT    (1u << 1)
#define SYST_CSR_CLKSOURCE  (1u << 2)
#define SYST_CSR_COUNTFLAG  (1u << 16)
#define SCB_VTOR            REG32(0xE000ED08u)

#endif
