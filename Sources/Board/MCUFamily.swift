/// The STM32U5 family as data.
///
/// Memory and instances: ST's cmsis-device-u5 headers (`stm32u545xx.h`, `stm32u5a9xx.h`,
/// `stm32u5g7xx.h` in shared/vendor: SRAMx_BASE_NS/SRAMx_SIZE, FLASH_SIZE_DEFAULT, and which
/// of OCTOSPI2, OCTOSPIM, DLYB_OCTOSPI2, HSPI1 the header defines). U575/U585 from
/// `stm32u575xx.h`/`stm32u585xx.h` as recalled (SRAM3 512 KiB at 0x2004_0000; not in
/// shared/vendor, see docs/boards.md).
/// Pins: zephyrproject-rtos/hal_stm32 `dts/st/u5/*-pinctrl.dtsi` of each line's largest
/// package (generated from ST's open pin data): U545VETxQ (LQFP100), U585AIIxQ (UFBGA169),
/// U5A9NJHxQ and U5G9NJHxQ (TFBGA216; their OCTOSPI entries are identical).
extension MCUDescription {
    static func entry(_ port: Int, _ signal: FlashSignal, _ pin: String, _ af: Int) -> OCTOSPIMPinMap.Entry {
        OCTOSPIMPinMap.Entry(port: port, signal: signal, pin: Pin(pin)!, alternateFunction: af)
    }

    /// OCTOSPIM ports 1 and 2 on the U575 … U5G9 dies (TFBGA216 bonds every one of them).
    static let octospimPinTable: [OCTOSPIMPinMap.Entry] = [
        entry(1, .ncs, "PA2", 10), entry(1, .ncs, "PA4", 3), entry(1, .ncs, "PB11", 10), entry(1, .ncs, "PC11", 5), entry(1, .ncs, "PE11", 10),
        entry(1, .clk, "PA3", 10), entry(1, .clk, "PB10", 10), entry(1, .clk, "PE10", 10), entry(1, .clk, "PF10", 3),
        entry(1, .nclk, "PB5", 3), entry(1, .nclk, "PB12", 10), entry(1, .nclk, "PE9", 10), entry(1, .nclk, "PF11", 3),
        entry(1, .dqs, "PA1", 10), entry(1, .dqs, "PB2", 10), entry(1, .dqs, "PE3", 3), entry(1, .dqs, "PG6", 3),
        entry(1, .io0, "PB1", 10), entry(1, .io0, "PE12", 10), entry(1, .io0, "PF8", 10),
        entry(1, .io1, "PB0", 10), entry(1, .io1, "PE13", 10), entry(1, .io1, "PF9", 10),
        entry(1, .io2, "PA7", 10), entry(1, .io2, "PE14", 10), entry(1, .io2, "PF7", 10),
        entry(1, .io3, "PA6", 10), entry(1, .io3, "PE15", 10), entry(1, .io3, "PF6", 10),
        entry(1, .io4, "PC1", 10), entry(1, .io4, "PD4", 10), entry(1, .io4, "PH2", 3),
        entry(1, .io5, "PC2", 10), entry(1, .io5, "PD5", 10), entry(1, .io5, "PG11", 3), entry(1, .io5, "PI0", 3),
        entry(1, .io6, "PC3", 10), entry(1, .io6, "PD6", 10),
        entry(1, .io7, "PC0", 3), entry(1, .io7, "PC4", 10), entry(1, .io7, "PD7", 10),
        entry(2, .ncs, "PA0", 10), entry(2, .ncs, "PA12", 6), entry(2, .ncs, "PD3", 10), entry(2, .ncs, "PF6", 5), entry(2, .ncs, "PG12", 5), entry(2, .ncs, "PI5", 5),
        entry(2, .clk, "PF4", 5), entry(2, .clk, "PH6", 5), entry(2, .clk, "PI6", 5),
        entry(2, .nclk, "PF5", 5), entry(2, .nclk, "PH7", 5), entry(2, .nclk, "PI7", 5),
        entry(2, .dqs, "PF12", 5), entry(2, .dqs, "PG7", 5), entry(2, .dqs, "PG15", 5), entry(2, .dqs, "PH4", 5),
        entry(2, .io0, "PF0", 5), entry(2, .io0, "PI3", 6),
        entry(2, .io1, "PF1", 5), entry(2, .io1, "PI2", 6),
        entry(2, .io2, "PF2", 5), entry(2, .io2, "PI1", 6),
        entry(2, .io3, "PF3", 5), entry(2, .io3, "PH8", 5),
        entry(2, .io4, "PG0", 5), entry(2, .io4, "PH9", 5),
        entry(2, .io5, "PG1", 5), entry(2, .io5, "PH10", 5),
        entry(2, .io6, "PG9", 5), entry(2, .io6, "PH11", 5), entry(2, .io6, "PH15", 5),
        entry(2, .io7, "PG10", 5), entry(2, .io7, "PH12", 5),
    ]

    /// OCTOSPI1's own pins on U535/U545 (no OCTOSPIM: the pins PA0/PA12/PD3 that are port-2
    /// NCS elsewhere are OCTOSPI1_NCS here).
    static let octospi1DirectPinTable: [OCTOSPIMPinMap.Entry] = [
        entry(1, .ncs, "PA0", 10), entry(1, .ncs, "PA2", 10), entry(1, .ncs, "PA4", 3), entry(1, .ncs, "PA12", 6),
        entry(1, .ncs, "PB11", 10), entry(1, .ncs, "PC11", 5), entry(1, .ncs, "PD3", 10), entry(1, .ncs, "PE11", 10),
        entry(1, .clk, "PA3", 10), entry(1, .clk, "PB10", 10), entry(1, .clk, "PE10", 10),
        entry(1, .nclk, "PB5", 3), entry(1, .nclk, "PE9", 10),
        entry(1, .dqs, "PA1", 10), entry(1, .dqs, "PB2", 10), entry(1, .dqs, "PE3", 3),
        entry(1, .io0, "PB1", 10), entry(1, .io0, "PE12", 10),
        entry(1, .io1, "PB0", 10), entry(1, .io1, "PE13", 10),
        entry(1, .io2, "PA7", 10), entry(1, .io2, "PE14", 10),
        entry(1, .io3, "PA6", 10), entry(1, .io3, "PE15", 10),
        entry(1, .io4, "PC1", 10), entry(1, .io4, "PD4", 10),
        entry(1, .io5, "PC2", 10), entry(1, .io5, "PD5", 10),
        entry(1, .io6, "PC3", 10), entry(1, .io6, "PD6", 10),
        entry(1, .io7, "PC0", 3), entry(1, .io7, "PD7", 10),
    ]

    static let sram4 = RAMRegion(name: "SRAM4", base: 0x2800_0000, size: 0x4000)

    public static let stm32u535 = MCUDescription(
        line: "STM32U535/U545", members: ["STM32U535", "STM32U545"],
        ram: [RAMRegion(name: "SRAM1", base: 0x2000_0000, size: 0x3_0000), RAMRegion(name: "SRAM2", base: 0x2003_0000, size: 0x1_0000), sram4],
        internalFlashBytes: 0x8_0000, octospiInstances: [1], hasOCTOSPIM: false, delayBlocks: [1], hasHSPI1: false,
        pinTablePackage: "STM32U545VETxQ (LQFP100)", pinTable: octospi1DirectPinTable)

    public static let stm32u575 = MCUDescription(
        line: "STM32U575/U585", members: ["STM32U575", "STM32U585"],
        ram: [RAMRegion(name: "SRAM1", base: 0x2000_0000, size: 0x3_0000), RAMRegion(name: "SRAM2", base: 0x2003_0000, size: 0x1_0000),
              RAMRegion(name: "SRAM3", base: 0x2004_0000, size: 0x8_0000), sram4],
        internalFlashBytes: 0x20_0000, octospiInstances: [1, 2], hasOCTOSPIM: true, delayBlocks: [1, 2], hasHSPI1: false,
        pinTablePackage: "STM32U585AIIxQ (UFBGA169)", pinTable: octospimPinTable)

    public static let stm32u595 = MCUDescription(
        line: "STM32U595/U599/U5A5/U5A9", members: ["STM32U595", "STM32U599", "STM32U5A5", "STM32U5A9"],
        ram: [RAMRegion(name: "SRAM1", base: 0x2000_0000, size: 0xC_0000), RAMRegion(name: "SRAM2", base: 0x200C_0000, size: 0x1_0000),
              RAMRegion(name: "SRAM3", base: 0x200D_0000, size: 0xD_0000), RAMRegion(name: "SRAM5", base: 0x201A_0000, size: 0xD_0000), sram4],
        internalFlashBytes: 0x40_0000, octospiInstances: [1, 2], hasOCTOSPIM: true, delayBlocks: [1, 2], hasHSPI1: true,
        pinTablePackage: "STM32U5A9NJHxQ (TFBGA216)", pinTable: octospimPinTable)

    public static let stm32u5f7 = MCUDescription(
        line: "STM32U5F7/U5F9/U5G7/U5G9", members: ["STM32U5F7", "STM32U5F9", "STM32U5G7", "STM32U5G9"],
        ram: [RAMRegion(name: "SRAM1", base: 0x2000_0000, size: 0xC_0000), RAMRegion(name: "SRAM2", base: 0x200C_0000, size: 0x1_0000),
              RAMRegion(name: "SRAM3", base: 0x200D_0000, size: 0xD_0000), RAMRegion(name: "SRAM5", base: 0x201A_0000, size: 0xD_0000),
              RAMRegion(name: "SRAM6", base: 0x2027_0000, size: 0x8_0000), sram4],
        internalFlashBytes: 0x40_0000, octospiInstances: [1, 2], hasOCTOSPIM: true, delayBlocks: [1, 2], hasHSPI1: true,
        pinTablePackage: "STM32U5G9NJHxQ (TFBGA216)", pinTable: octospimPinTable)

    /// Every line, smallest first.
    public static let family: [MCUDescription] = [stm32u535, stm32u575, stm32u595, stm32u5f7]
}
