import Board
import CortexM
import NORFlash
import Testing
@testable import STM32U5
import VirtualTime

/// The SoC side of octal flashes (8 lines, DTR, DQS, OCTOSPIM IO[7:4] routing), the delay
/// block, and SoCs built from other family members.
@Suite struct OctalAndFamilyTests {
    static let octalBoard = BuiltInBoards.named("stm32u5a9-mx25lm51245g")!

    /// Clocks, every board pin, OCTOSPI1 at kernel / 2 with the delay block in use (DLYBYP = 0).
    func octalBench(pcr1: UInt32) -> Bench {
        let b = Bench(board: Self.octalBoard)
        b.modify(Bench.ahb2enr1, set: 1 << 0 | 1 << 2 | 1 << 5 | 1 << 21)
        b.modify(Bench.ahb2enr2, set: 1 << 4)
        b.configureBoardPins()
        b.write(Bench.octospim + 0x04, pcr1)
        b.write(Bench.dcr1, 25 << 16 | 1 << 8)
        b.write(Bench.dcr2, 1)
        b.write(Bench.cr, 3 << 8 | 1)
        return b
    }

    /// 8D-8D-8D read of the status register with DQS (MX25LM 05h/FAh, CCR: IMODE/ADMODE/DMODE 8 lines, DTR, ISIZE 16-bit, ADSIZE 32-bit, DQSE).
    static let octalDTRRead: UInt32 = 0x1C | (4 << 8) | (1 << 11) | (3 << 12) | (4 << 24) | (1 << 27) | (1 << 29)

    @Test("An 8-line DTR read goes out with a 2-byte instruction, DTR phases and the data strobe when OCTOSPIM routes IO[7:4] and DQS")
    func octalTransactionReachesTheFlash() throws {
        // PCR1: CLKEN, DQSEN, NCSEN, IOLEN (OCTOSPI1 IO[3:0]), IOHEN with IOHSRC = 01 (OCTOSPI1 IO[7:4]).
        let b = octalBench(pcr1: 0x0301_0111)
        b.command(0x05FA, ccr: Self.octalDTRRead, address: 0, dummy: 4, read: 2)
        let t = try #require(b.flash.received.last)
        #expect(t.instruction == 0x05FA && t.instructionSize == 2)
        #expect(t.instructionFormat == SPIPhaseFormat(lines: 8, doubleTransferRate: true))
        #expect(t.dataFormat == SPIPhaseFormat(lines: 8, doubleTransferRate: true))
        #expect(t.dataStrobe)
        #expect(!b.events().contains { if case .signalBlocked = $0 { return true }; return false })
    }

    @Test("IO[7:4] not routed (IOHEN = 0): an 8-line command never reaches the flash, and the event names IO4's pin")
    func upperNibbleNotRouted() {
        let b = octalBench(pcr1: 0x0001_0111)
        b.command(0x05FA, ccr: Self.octalDTRRead, address: 0, dummy: 4, read: 2)
        #expect(b.flash.received.isEmpty)
        let blocked = b.events().compactMap { e -> (FlashSignal, Pin?)? in
            if case .signalBlocked(_, let s, let p, .portNotRouted) = e { return (s, p) }
            return nil
        }
        #expect(blocked.contains { $0.0 == .io4 && $0.1 == Pin("PC1") }, "\(blocked)")
    }

    @Test("DQS not routed (DQSEN = 0): the strobed read's data is not latched; the command still reaches the flash")
    func dataStrobeNotRouted() {
        let b = octalBench(pcr1: 0x0301_0101)
        let data = b.command(0x05FA, ccr: Self.octalDTRRead, address: 0, dummy: 4, read: 2)
        #expect(b.flash.received.count == 1)
        #expect(data == [0, 0], "no pull-ups on the data pins: the lines read low")
        #expect(b.events().contains { if case .signalBlocked(_, .dqs, _, _) = $0 { return true }; return false })
    }

    @Test("DLYB: ST's calibration (SEL = 12, UNIT = 0… until LNG[10:0] ≠ 0 and LNG[11:10] ≠ 11) finds one FCLK period")
    func delayBlockCalibration() throws {
        let b = octalBench(pcr1: 0x0301_0111)
        // Kernel clock MSIK at 48 MHz (ICSCR1: MSIRGSEL, MSIKRANGE 0; CCIPR2.OCTOSPISEL = 01), no prescaler: the
        // delay line's 12 cells can span a 20.8 ns period, as they cannot at the 4 MHz reset clock.
        b.write(Bench.rcc + 0x08, 0x4080_0000)
        b.modify(Bench.rcc + 0xE4, clear: 3 << 20, set: 1 << 20)
        b.write(Bench.cr, 3 << 8)
        b.write(Bench.dcr2, 0)
        b.write(Bench.cr, 3 << 8 | 1)
        let dlyb: UInt32 = 0x420C_F000
        b.write(dlyb, 0b11) // DEN | SEN
        var found: (unit: UInt32, lng: UInt32)?
        for unit: UInt32 in 0..<128 {
            b.write(dlyb + 4, 12 | unit << 8)
            b.clock.advance(by: .microseconds(1))
            let cfgr = b.read(dlyb + 4)
            #expect(cfgr & (1 << 31) != 0, "LNGF")
            let lng = (cfgr >> 16) & 0xFFF
            if lng & 0x7FF != 0, lng & 0xC00 != 0xC00 { found = (unit, lng); break }
        }
        let f = try #require(found, "the calibration never ends")
        // One period = 12 cells of (100 + 25 × UNIT) ps at the found UNIT, not at the one before.
        #expect(12 * (100 + 25 * UInt64(f.unit)) >= 20_833 && 12 * (100 + 25 * UInt64(f.unit - 1)) < 20_833 + 12 * 25, "\(f)")
        #expect(f.lng >> 10 != 0b11)
        b.write(dlyb, 0)
        #expect(b.read(dlyb) == 0)
    }

    @Test("A U545 SoC has no OCTOSPI2 and no OCTOSPIM: accesses read 0 and are reported as absent; HSPI1 on a U5A9 is reported as not modelled")
    func absentAndUnmodelledPeripherals() {
        let u545 = Bench(board: BuiltInBoards.named("stm32u545-w25q128jv")!)
        u545.write(0x420D_2400, 1)
        #expect(u545.read(0x420D_2400) == 0)
        u545.write(Bench.octospim + 4, 0x0001_0101)
        let events = u545.events()
        #expect(events.contains { if case .absentPeripheral("OCTOSPI2", _, _, true) = $0 { return true }; return false })
        #expect(events.contains { if case .absentPeripheral("OCTOSPIM", _, _, true) = $0 { return true }; return false })
        #expect(!u545.soc.mmioRegions.contains { $0.name == "OCTOSPI2 memory" })

        let u5a9 = Bench(board: Self.octalBoard)
        u5a9.write(0x420D_3400, 1)
        #expect(u5a9.events().contains { if case .unmodelledPeripheral("HSPI1", _, true) = $0 { return true }; return false })
    }

    @Test("Without an OCTOSPIM (U545) OCTOSPI1 reaches the flash through its own pins, whatever PCR would say")
    func u545DirectPins() {
        let b = Bench(board: BuiltInBoards.named("stm32u545-w25q128jv")!)
        b.modify(Bench.ahb2enr1, set: 1 << 0 | 1 << 1)
        b.modify(Bench.ahb2enr2, set: 1 << 4)
        b.configureBoardPins()
        b.initOCTOSPI1()
        let id = b.command(0x9F, ccr: 0x0100_0001, read: 3)
        #expect(id == [0x9D, 0x60, 0x1A])
    }
}
