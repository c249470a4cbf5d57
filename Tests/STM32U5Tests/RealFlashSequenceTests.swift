import Board
import NORFlash
import Testing
@testable import STM32U5
import VirtualTime

/// The reference checklist (stm32u5.md §C) driven by hand through the OCTOSPI registers,
/// against the real IS25LP512M model rather than a recording double: the two models must
/// agree on every transaction, and each classic loader mistake must leave its mark.
@Suite("Register sequence against the IS25LP512M model")
struct RealFlashSequenceTests {
    static let data: [UInt8] = (0..<32).map { UInt8(0x10 + $0) }

    func makeBench(_ content: FlashInitialContent = .previousFirmware(seed: 7)) -> (Bench, NORFlash) {
        let flash = NORFlash(part: .is25lp512m, content: content)
        return (Bench(device: flash), flash)
    }

    /// Reset, ID, QE, erase the 4 KiB sector at `address`, quad-program `data` there, read it
    /// back memory-mapped. `wren: false` drops the Write Enable before the program.
    func sequence(_ b: Bench, address: UInt32, eraseOpcode: UInt32 = 0x21, programOpcode: UInt32 = 0x34,
                  addressSize: UInt32 = 3, wren: Bool = true, dummy: UInt32 = 8) -> (id: [UInt8], readBack: [UInt8]) {
        let adsize = addressSize << 12
        b.bringUp()
        b.command(0x66, ccr: 0x0000_0001)
        b.command(0x99, ccr: 0x0000_0001)
        let id = b.command(0x9F, ccr: 0x0100_0001, read: 3)
        b.command(0x06, ccr: 0x0000_0001)
        b.command(0x01, ccr: 0x0100_0001, write: [0x40])
        b.pollWIP()
        b.command(0x06, ccr: 0x0000_0001)
        b.command(eraseOpcode, ccr: 0x0000_0101 | adsize, address: address)
        b.pollWIP()
        if wren { b.command(0x06, ccr: 0x0000_0001) }
        b.command(programOpcode, ccr: 0x0300_0101 | adsize, address: address, write: Self.data)
        b.pollWIP()
        b.enterMemoryMapped(readInstruction: 0x6C, ccr: 0x0300_3101, dummy: dummy)
        var readBack: [UInt8] = []
        for i in 0..<(Self.data.count / 4) {
            let w = b.read(0x9000_0000 + address + UInt32(4 * i))
            readBack += [UInt8(w & 0xFF), UInt8(w >> 8 & 0xFF), UInt8(w >> 16 & 0xFF), UInt8(w >> 24)]
        }
        return (id, readBack)
    }

    func flashEvents(_ f: NORFlash) -> [FlashEvent] { f.events.map(\.event) }

    @Test("§C steps 4-8 with 4-byte opcodes 21h/34h/6Ch: ID 9D 60 1A, data programmed and read back through 0x9000_0000")
    func happyPath() {
        let (b, flash) = makeBench()
        let out = sequence(b, address: 0x0123_4500)
        #expect(out.id == [0x9D, 0x60, 0x1A])
        #expect(out.readBack == Self.data)
        #expect(flash.read(address: 0x0123_4500, count: 32) == Self.data)
        #expect(flash.read(address: 0x0123_4520, count: 4) == [0xFF, 0xFF, 0xFF, 0xFF], "the rest of the sector is erased")
        #expect(flash.changedRanges() == [0x0123_4000..<0x0123_5000], "only the erased sector changed")
        #expect(b.events().allSatisfy { if case .ignoredWrite = $0 { return false }; return true })
    }

    @Test("No WREN before Page Program: the flash refuses it (is25lp512m.md §A.4 WEL) and the data is not there")
    func noWriteEnable() {
        let (b, flash) = makeBench()
        let out = sequence(b, address: 0x2000, wren: false)
        #expect(out.readBack == [UInt8](repeating: 0xFF, count: 32))
        #expect(flashEvents(flash).contains { if case .refusedWithoutWriteEnable(_, 0x2000) = $0 { return true }; return false })
    }

    @Test("Memory-mapped mode left on: AR/IR writes are ignored (stm32u5.md §B.2) and the flash never sees the erase")
    func memoryMappedLeftOn() {
        let (b, flash) = makeBench()
        _ = sequence(b, address: 0x3000)
        _ = b.events()
        let decodedBefore = flashEvents(flash).count
        b.write(Bench.ccr, 0x0000_3101)
        b.write(Bench.ir, 0x21)
        b.write(Bench.ar, 0x4000)
        let events = b.events()
        #expect(events.contains(.ignoredWrite(peripheral: "OCTOSPI1", register: "OCTOSPI1_AR", value: 0x4000, reason: .memoryMapped)))
        #expect(!flashEvents(flash).dropFirst(decodedBefore).contains { if case .commandDecoded(let c) = $0 { return c.opcode == 0x21 }; return false })
    }

    @Test("IO0 (PE12) not in alternate-function mode: the flash never answers RDID, the event names the pin")
    func pinNotRouted() {
        let (b, flash) = makeBench()
        b.enableClocks()
        b.configureBoardPins(except: .io0)
        b.routePort1ToOCTOSPI1()
        b.initOCTOSPI1()
        _ = b.command(0x9F, ccr: 0x0100_0001, read: 3)
        let events = b.events()
        #expect(events.contains { if case .signalBlocked(1, .io0, let pin, _) = $0 { return pin == Pin("PE12") }; return false })
        #expect(events.contains { $0.message.contains("PE12") })
        // IO0 carries the 1-line instruction: with it blocked the flash decodes nothing.
        #expect(!flashEvents(flash).contains { if case .commandDecoded = $0 { return true }; return false })
    }

    @Test("OCTOSPI1 clock off: writes ignored naming RCC_AHB2ENR2.OCTOSPI1EN, the flash sees nothing")
    func clockOff() {
        let (b, flash) = makeBench()
        b.modify(Bench.ahb2enr1, set: 1 << 0 | 1 << 1 | 1 << 4 | 1 << 21)
        b.configureBoardPins()
        b.routePort1ToOCTOSPI1()
        b.initOCTOSPI1()
        _ = b.command(0x9F, ccr: 0x0100_0001, read: 3)
        #expect(flashEvents(flash).isEmpty)
        #expect(b.events().contains { if case .ignoredWrite(_, _, _, .clockDisabled("RCC_AHB2ENR2.OCTOSPI1EN")) = $0 { return true }; return false })
    }

    @Test("3-byte 20h/32h above 16 MiB: the data lands in bank 0 (is25lp512m.md §A.7 gotcha 1), not where it was meant")
    func threeByteAddressAbove16MiB() {
        let (b, flash) = makeBench(.erased)
        let meant: UInt32 = 0x0180_0000
        let out = sequence(b, address: meant, eraseOpcode: 0x20, programOpcode: 0x32, addressSize: 2)
        #expect(flash.read(address: meant & 0x00FF_FFFF, count: 32) == Self.data, "aliased into the low 16 MiB")
        #expect(flash.read(address: meant, count: 32) == [UInt8](repeating: 0xFF, count: 32))
        #expect(out.readBack != Self.data)
        // The controller put only A23..A0 on the wires; the flash cannot know what was meant.
        #expect(flashEvents(flash).contains { if case .commandDecoded(let c) = $0 { return c.opcode == 0x32 && c.effectiveAddress == 0x0080_0000 }; return false })
        #expect(flash.changedRanges().allSatisfy { $0.upperBound <= 0x0100_0000 })
    }

    @Test("Memory-mapped read with 6 dummy cycles where the flash expects 8: data comes back shifted and the flash records the mismatch")
    func wrongDummyCycles() {
        let (b, flash) = makeBench()
        let out = sequence(b, address: 0x5000, dummy: 6)
        #expect(out.readBack != Self.data)
        #expect(flashEvents(flash).contains { if case .dummyCycleMismatch(_, 8, 6, 4) = $0 { return true }; return false })
    }
}
