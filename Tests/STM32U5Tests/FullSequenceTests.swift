import Board
import NORFlash
import Testing
@testable import STM32U5
import VirtualTime

/// The whole loader flow driven by hand through the registers (reference §C), against a
/// recording `SPIDevice`.
@Suite("Full register sequence")
struct FullSequenceTests {
    static let page: [UInt8] = (0..<16).map { UInt8(0xA0 + $0) }

    /// Steps 4-8 of the reference checklist once the peripherals are set up.
    func flashSequence(_ b: Bench, dummy: UInt32 = 8) -> [UInt8] {
        b.command(0x66, ccr: 0x0000_0001)
        b.command(0x99, ccr: 0x0000_0001)
        let id = b.command(0x9F, ccr: 0x0100_0001, read: 3)
        b.command(0x06, ccr: 0x0000_0001)
        b.command(0x01, ccr: 0x0100_0001, write: [0x40])
        b.pollWIP()
        b.command(0x06, ccr: 0x0000_0001)
        b.command(0x21, ccr: 0x0000_3101, address: 0x1000)
        b.pollWIP()
        b.command(0x06, ccr: 0x0000_0001)
        b.command(0x34, ccr: 0x0300_3101, address: 0x1000, write: FullSequenceTests.page)
        b.pollWIP()
        b.enterMemoryMapped(readInstruction: 0x6C, ccr: 0x0300_3101, dummy: dummy)
        var readBack: [UInt8] = []
        for i in 0..<4 {
            let w = b.read(0x9000_1000 + UInt32(4 * i))
            readBack += [UInt8(w & 0xFF), UInt8(w >> 8 & 0xFF), UInt8(w >> 16 & 0xFF), UInt8(w >> 24)]
        }
        return id + readBack
    }

    @Test("Reset, RDID, QE, erase, quad program and memory-mapped read-back produce exactly these transactions (reference §B.2 worked CCR values, §C)")
    func happyPath() {
        let b = Bench()
        b.bringUp()
        let out = flashSequence(b)
        #expect(Array(out.prefix(3)) == [0x9D, 0x60, 0x1A])
        #expect(Array(out.dropFirst(3)) == FullSequenceTests.page)
        let rdsr = SPITransaction(instruction: 0x05, direction: .read(count: 1))
        let wren = SPITransaction(instruction: 0x06)
        var expected: [SPITransaction] = [
            SPITransaction(instruction: 0x66),
            SPITransaction(instruction: 0x99),
            SPITransaction(instruction: 0x9F, direction: .read(count: 3)),
            wren,
            SPITransaction(instruction: 0x01, direction: .write([0x40])),
            rdsr,
            wren,
            SPITransaction(instruction: 0x21, address: 0x1000, addressSize: 4),
            rdsr, rdsr,
            wren,
            SPITransaction(instruction: 0x34, address: 0x1000, addressSize: 4, direction: .write(FullSequenceTests.page), dataFormat: .quad),
            rdsr, rdsr,
        ]
        for i in 0..<4 {
            expected.append(SPITransaction(instruction: 0x6C, address: 0x1000 + UInt32(4 * i), addressSize: 4, dummyCycles: 8,
                                           direction: .read(count: 4), dataFormat: .quad))
        }
        #expect(b.flash.received == expected)
        #expect(b.flash.statusRegister == 0x40, "QE set")
        let e = b.events()
        #expect(!e.contains { if case .ignoredWrite = $0 { return true }; return false })
        #expect(!e.contains { if case .signalBlocked = $0 { return true }; return false })
        #expect(e.contains { if case .transaction(1, _, false) = $0 { return true }; return false } == false)
        let mmEvents = e.filter { if case .transaction(1, let t, true) = $0 { return t.instruction == 0x6C }; return false }
        #expect(mmEvents.count == 1, "a run of same-shaped window reads is recorded once")
        #expect(b.soc.signalPath.coalescedMemoryMappedReads == 3)
    }

    @Test("The programmer's debug read goes through the memory-mapped path in 1 KiB transactions")
    func debugReadAfterProgram() {
        let b = Bench()
        b.bringUp()
        _ = flashSequence(b)
        let before = b.flash.received.count
        let r = b.soc.debugRead(address: 0x9000_0FF8, count: 0x418)
        guard case .success(let bytes) = r else { Issue.record("debug read failed: \(r)"); return }
        #expect(bytes.count == 0x418)
        #expect(Array(bytes[8..<24]) == FullSequenceTests.page)
        #expect(bytes[0] == 0xFF)
        #expect(b.flash.received.dropFirst(before).map(\.direction) == [.read(count: 8), .read(count: 1024), .read(count: 16)])
    }

    @Test("Memory-mapped mode left on: the next erase's AR write is ignored, the flash never sees 21h")
    func memoryMappedLeftOn() {
        let b = Bench()
        b.bringUp()
        _ = flashSequence(b)
        _ = b.events()
        let before = b.flash.received.count
        b.write(Bench.ccr, 0x0000_3101)
        b.write(Bench.ir, 0x21)
        b.write(Bench.ar, 0x2000)
        #expect(b.flash.received.count == before)
        let e = b.events()
        #expect(e.contains(.ignoredWrite(peripheral: "OCTOSPI1", register: "OCTOSPI1_AR", value: 0x2000, reason: .memoryMapped)))
        #expect(e.contains(.ignoredWrite(peripheral: "OCTOSPI1", register: "OCTOSPI1_IR", value: 0x21, reason: .memoryMapped)))
    }

    @Test("CLK pin not routed: nothing reaches the flash and the event names PB10 (CLK)")
    func pinNotRouted() {
        let b = Bench()
        b.enableClocks()
        b.configureBoardPins(except: .clk)
        b.routePort1ToOCTOSPI1()
        b.initOCTOSPI1()
        let id = b.command(0x9F, ccr: 0x0100_0001, read: 3)
        #expect(id == [0, 0, 0], "no pull-ups: the lines float to 0")
        #expect(b.flash.received.isEmpty)
        let e = b.events()
        let blocked = SoCEvent.signalBlocked(instance: 1, signal: .clk, pin: Pin("PB10")!, reason: .notAlternateFunction(moder: 3))
        #expect(e.contains(blocked))
        #expect(blocked.message.contains("PB10 (CLK)"))
    }

    @Test("OCTOSPI1 clock off: every OCTOSPI1 write is ignored, naming RCC_AHB2ENR2.OCTOSPI1EN")
    func clockOff() {
        let b = Bench()
        b.modify(Bench.ahb2enr1, set: 1 << 0 | 1 << 1 | 1 << 4 | 1 << 21)
        b.configureBoardPins()
        b.routePort1ToOCTOSPI1()
        b.initOCTOSPI1()
        _ = b.command(0x9F, ccr: 0x0100_0001, read: 3)
        #expect(b.flash.received.isEmpty)
        let e = b.events()
        #expect(e.contains(.ignoredWrite(peripheral: "OCTOSPI1", register: "OCTOSPI1_DCR1", value: 25 << 16 | 1 << 8 | 1 << 3,
                                         reason: .clockDisabled(enable: "RCC_AHB2ENR2.OCTOSPI1EN"))))
        #expect(e.contains { $0.message.contains("written while RCC_AHB2ENR2.OCTOSPI1EN=0: the write is ignored") })
    }

    @Test("Wrong dummy cycles: the memory-mapped read transaction carries 6, not 8")
    func wrongDummy() {
        let b = Bench()
        b.bringUp()
        _ = flashSequence(b, dummy: 6)
        #expect(b.flash.received.last?.dummyCycles == 6)
        #expect(b.flash.received.last?.instruction == 0x6C)
    }

    @Test("The sequence costs virtual time: erase and program busy times are waited out by auto-polling")
    func timeAdvances() {
        let b = Bench()
        b.bringUp()
        let start = b.clock.now
        _ = flashSequence(b)
        #expect(b.clock.now - start >= b.flash.busyTime + b.flash.busyTime)
    }
}
