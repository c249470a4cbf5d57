/// Brings up the path from the OCTOSPI to the flash pins, from the BoardConfig block:
/// clocks, a reset pulse of the OCTOSPI and the I/O manager (whatever a previous session or
/// the application left, e.g. memory-mapped mode), GPIO alternate functions, OCTOSPIM
/// routing, then the OCTOSPI itself (stm32u5.md §C bring-up checklist).
enum FlashBus {
    static func configure(_ board: BoardConfig) -> OCTOSPI? {
        let instance = board.instance
        let octospiBit = RCC.AHB2ENR2.octospiEN(instance: instance)
        let otherBit = RCC.AHB2ENR2.octospiEN(instance: 3 - instance)

        // Clocks: the GPIO ports of the six pins, OCTOSPIM, our OCTOSPI; PWR for VDDIO2.
        var gpioBits: UInt32 = 0
        var index: UInt32 = 0
        var usesVDDIO2 = false
        while index < board.pinCount {
            let assignment = board.pin(index)
            gpioBits |= RCC.AHB2ENR1.gpioEN(port: assignment.port)
            if assignment.port == 6 && assignment.pin >= 2 { usesVDDIO2 = true }  // PG[15:2]
            index += 1
        }
        let routed = !board.hasNoOCTOSPIM  // the I/O manager exists (every U5 but U535/U545)
        RCC.ahb2enr1.set(gpioBits | (routed ? RCC.AHB2ENR1.octospimEN : 0))
        RCC.ahb2enr2.set(octospiBit)
        _ = RCC.ahb2enr2.value
        RCC.ccipr2.clear(RCC.CCIPR2.octospiselMask)  // kernel clock = SYSCLK
        if usesVDDIO2 {
            RCC.ahb3enr.set(RCC.AHB3ENR.pwrEN)
            PWR.svmcr.set(PWR.SVMCR.io2sv)
        }

        // Reset pulse: our OCTOSPI and the I/O manager go back to their reset state.
        let managerReset = routed ? RCC.AHB2RSTR1.octospimRST : 0
        RCC.ahb2rstr2.set(octospiBit)
        RCC.ahb2rstr1.set(managerReset)
        _ = RCC.ahb2rstr1.value
        RCC.ahb2rstr2.clear(octospiBit)
        RCC.ahb2rstr1.clear(managerReset)
        _ = RCC.ahb2rstr1.value

        // GPIO: AF, very high speed, pull-ups as the block says.
        index = 0
        while index < board.pinCount {
            let assignment = board.pin(index)
            GPIOPort(index: assignment.port).configureAlternateFunction(
                pin: assignment.pin, af: assignment.alternateFunction, pullUp: assignment.pullUp)
            index += 1
        }

        // OCTOSPIM, with both OCTOSPIs disabled (ours is, after its reset; the other one if
        // it is clocked at all — an unclocked one cannot be enabled).
        // Without an OCTOSPIM there is no other OCTOSPI either, and OCTOSPI1 owns its pins.
        let spi = OCTOSPI(base: OCTOSPI.registerBase(instance: instance))
        if routed {
            let other = OCTOSPI(base: OCTOSPI.registerBase(instance: 3 - instance))
            let otherWasEnabled = RCC.ahb2enr2.anySet(otherBit) && other.cr.anySet(OCTOSPI.CR.en)
            if otherWasEnabled {
                guard other.leaveMemoryMapped() else { return nil }
                other.cr.clear(OCTOSPI.CR.en)
            }
            OCTOSPIM.cr.clear(OCTOSPIM.CR.muxen)
            let otherPort = 3 - board.port
            OCTOSPIM.pcr(port: otherPort).value = OCTOSPIM.PCR.releasing(instance: instance, from: OCTOSPIM.pcr(port: otherPort).value)
            #if OCTAL
            OCTOSPIM.pcr(port: board.port).value = board.isOctal ? OCTOSPIM.PCR.octal(instance: instance) : OCTOSPIM.PCR.quad(instance: instance)
            #else
            OCTOSPIM.pcr(port: board.port).value = OCTOSPIM.PCR.quad(instance: instance)
            #endif
            if otherWasEnabled { other.cr.set(OCTOSPI.CR.en) }
        }

        // OCTOSPI, in HAL_OSPI_Init's order: DCR1..DCR4, FTHRES, BUSY = 0, PRESCALER, EN.
        spi.cr.clear(OCTOSPI.CR.en)
        spi.dcr1.value = OCTOSPI.DCR1.mtypStandard | OCTOSPI.DCR1.devsize(FlashBus.provisionalDevsize)
            | OCTOSPI.DCR1.csht(chipSelectHighCycles(flashClockHz: board.flashClockHz) - 1) | OCTOSPI.DCR1.dlybyp
        spi.dcr2.value = 0
        spi.dcr3.value = 0
        spi.dcr4.value = 0
        spi.cr.replace(OCTOSPI.CR.fthresMask | OCTOSPI.CR.fmodeMask | OCTOSPI.CR.dmm | OCTOSPI.CR.msel | OCTOSPI.CR.tcen,
                       with: OCTOSPI.CR.fthres(bytes: OCTOSPI.fifoThreshold))
        guard spi.waitNotBusy() else { return nil }
        spi.dcr2.value = board.divider - 1  // PRESCALER: FCLK = kernel / (PRESCALER + 1)
        spi.tcr.value = SPICommand.sampleShift
        spi.cr.set(OCTOSPI.CR.en)
        return spi
    }

    /// DEVSIZE until Init knows the part: 256 MiB (the largest window), so no SFDP or register
    /// address is refused; Init sets the part's size after discovery.
    static let provisionalDevsize: UInt32 = 27

    /// nCS high time between commands: at least 50 ns (covers the IS25LP's tCEH for reads
    /// and writes [MEM]), in flash clocks; DCR1.CSHT holds cycles − 1.
    static func chipSelectHighCycles(flashClockHz: UInt32) -> UInt32 {
        let cycles = (flashClockHz + 19_999_999) / 20_000_000  // ⌈50 ns × f⌉
        return cycles < 1 ? 1 : (cycles > 64 ? 64 : cycles)
    }
}
