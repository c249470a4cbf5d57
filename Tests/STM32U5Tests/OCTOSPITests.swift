import NORFlash
import Testing
@testable import STM32U5
import VirtualTime

@Suite("OCTOSPI")
struct OCTOSPITests {
    func ready() -> Bench {
        let b = Bench()
        b.bringUp()
        _ = b.events()
        return b
    }

    @Test("A block whose clock is off ignores writes, reads 0, and names the enable bit (RM0456 §11)")
    func clockOff() {
        let b = Bench()
        b.write(Bench.dcr1, 25 << 16)
        b.modify(Bench.ahb2enr2, set: 1 << 4)
        #expect(b.read(Bench.dcr1) == 0)
        let e = b.events()
        #expect(e.first == .ignoredWrite(peripheral: "OCTOSPI1", register: "OCTOSPI1_DCR1", value: 25 << 16, reason: .clockDisabled(enable: "RCC_AHB2ENR2.OCTOSPI1EN")))
        #expect(e.first?.message == "OCTOSPI1 OCTOSPI1_DCR1 (0x00190000) written while RCC_AHB2ENR2.OCTOSPI1EN=0: the write is ignored")
    }

    @Test("No data phase: the transfer starts on IR when ADMODE=000 (reference §B.2 'When a transfer starts')")
    func instructionOnlyStartsOnIR() {
        let b = ready()
        b.write(Bench.ccr, 0x0000_0001)
        #expect(b.flash.received.isEmpty)
        b.write(Bench.ir, 0x06)
        #expect(b.flash.received == [SPITransaction(instruction: 0x06)])
        #expect(b.read(Bench.sr) & 2 != 0, "TCF")
    }

    @Test("No data phase with an address: IR does not start it, AR does (reference §B.2)")
    func addressStartsOnAR() {
        let b = ready()
        b.write(Bench.ccr, 0x0000_3101)
        b.write(Bench.ir, 0x21)
        #expect(b.flash.received.isEmpty)
        b.write(Bench.ar, 0x2000)
        #expect(b.flash.received == [SPITransaction(instruction: 0x21, address: 0x2000, addressSize: 4)])
    }

    @Test("Indirect write starts with DR and goes out when DLR+1 bytes are pushed (reference §B.2)")
    func indirectWriteOnDR() {
        let b = ready()
        b.write(Bench.ccr, 0x0100_3101)
        b.write(Bench.dlr, 5)
        b.write(Bench.ir, 0x12)
        b.write(Bench.ar, 0x100)
        #expect(b.flash.received.isEmpty)
        b.write(Bench.dr, 0x4433_2211)
        #expect(b.read(Bench.sr) & (1 << 5) != 0, "BUSY while bytes are missing")
        #expect(b.flash.received.isEmpty)
        b.write(Bench.dr, 0x6655, .halfword)
        #expect(b.flash.received == [SPITransaction(instruction: 0x12, address: 0x100, addressSize: 4, direction: .write([0x11, 0x22, 0x33, 0x44, 0x55, 0x66]))])
        let sr = b.read(Bench.sr)
        #expect(sr & 2 != 0 && sr & (1 << 5) == 0)
    }

    @Test("Indirect read starts on AR; FLEVEL, FTF and TCF follow the 32-byte FIFO (RM0456 OCTOSPI_SR)")
    func indirectReadFifo() {
        let b = ready()
        for i in 0..<40 { b.flash.memory[0x40 + UInt32(i)] = UInt8(i) }
        b.setFMODE(1)
        b.write(Bench.ccr, 0x0100_3101)
        b.write(Bench.tcr, 8)
        b.write(Bench.dlr, 39)
        b.write(Bench.ir, 0x0C)
        #expect(b.flash.received.isEmpty)
        b.write(Bench.ar, 0x40)
        #expect(b.flash.received == [SPITransaction(instruction: 0x0C, address: 0x40, addressSize: 4, dummyCycles: 8, direction: .read(count: 40))])
        var sr = b.read(Bench.sr)
        #expect((sr >> 8) & 0x3F == 32)
        #expect(sr & 4 != 0, "FTF: level ≥ threshold 4")
        #expect(sr & 2 == 0, "TCF not yet: 8 bytes still outside the FIFO")
        #expect(b.read(Bench.dr) == 0x0302_0100)
        sr = b.read(Bench.sr)
        #expect((sr >> 8) & 0x3F == 32 && sr & 2 == 0, "36 bytes left: the FIFO is still full")
        #expect(b.read(Bench.dr) == 0x0706_0504)
        sr = b.read(Bench.sr)
        #expect((sr >> 8) & 0x3F == 32 && sr & 2 != 0, "the last 32 bytes are in the FIFO: TCF")
        var bytes: [UInt8] = [0, 1, 2, 3, 4, 5, 6, 7]
        for _ in 0..<32 { bytes.append(UInt8(b.read(Bench.dr, .byte))) }
        #expect(bytes == (0..<40).map { UInt8($0) })
        sr = b.read(Bench.sr)
        #expect((sr >> 8) & 0x3F == 0 && sr & (1 << 5) == 0 && sr & 4 == 0)
    }

    @Test("Configuration writes while BUSY=1 are ignored and name the register (reference §B.2)")
    func busyIgnoresConfig() {
        let b = ready()
        b.write(Bench.ccr, 0x0100_3101)
        b.write(Bench.dlr, 7)
        b.write(Bench.ir, 0x12)
        b.write(Bench.ar, 0)
        b.write(Bench.dr, 0xAABB_CCDD)
        b.write(Bench.ccr, 0x0000_0001)
        b.write(Bench.cr, b.read(Bench.cr) | 1 << 28)
        #expect(b.read(Bench.ccr) == 0x0100_3101)
        #expect(b.soc.octospi1.fmode == 0)
        let e = b.events()
        #expect(e.contains(.ignoredWrite(peripheral: "OCTOSPI1", register: "OCTOSPI1_CCR", value: 1, reason: .busy)))
        #expect(e.contains { if case .ignoredWrite(_, "OCTOSPI1_CR", _, .busy) = $0 { return true }; return false })
    }

    @Test("A transfer trigger with CR.EN=0 starts nothing and is an event")
    func disabledStartsNothing() {
        let b = Bench()
        b.enableClocks()
        b.configureBoardPins()
        b.routePort1ToOCTOSPI1()
        b.write(Bench.ccr, 1)
        b.write(Bench.ir, 0x06)
        #expect(b.flash.received.isEmpty)
        #expect(b.events().contains(.transferNotStarted(instance: 1, register: "IR", reason: "CR.EN=0")))
    }

    @Test("TEF: an indirect access beyond DEVSIZE (RM0456 OCTOSPI_SR.TEF)")
    func transferError() {
        let b = ready()
        b.write(Bench.ccr, 0x0000_3101)
        b.write(Bench.ir, 0x21)
        b.write(Bench.ar, 0x0400_0000)
        #expect(b.flash.received.isEmpty)
        #expect(b.read(Bench.sr) & 1 != 0)
        #expect(b.events().contains(.transferError(instance: 1, address: 0x0400_0000, deviceBytes: 64 << 20)))
        b.write(Bench.fcr, 1)
        #expect(b.read(Bench.sr) & 1 == 0)
    }

    @Test("Auto-polling jumps to the flash's busy end, counts the polls and sets SMF (reference §B.2)")
    func autoPollJumps() {
        let b = ready()
        b.flash.busyUntil = b.clock.now + .milliseconds(300)
        let start = b.clock.now
        b.pollWIP()
        #expect(b.clock.now >= start + .milliseconds(300))
        #expect(b.soc.octospi1.pollCount > 1000)
        #expect(b.flash.received.count == 2, "one poll while busy, one after the jump")
        let e = b.events()
        #expect(e.contains { if case .autoPollMatched(1, let n, 0) = $0 { return n > 1000 }; return false })
        #expect(b.read(Bench.sr) & (1 << 5) == 0, "APMS stops polling")
    }

    @Test("Auto-polling that can never match stays BUSY and says so")
    func autoPollStalls() {
        let b = ready()
        b.flash.statusRegister = 0x00
        b.write(Bench.ccr, 0x0100_0001)
        b.write(Bench.dlr, 0)
        b.write(Bench.psmkr, 0x02)
        b.write(Bench.psmar, 0x02)
        b.write(Bench.pir, 0x10)
        b.write(Bench.cr, b.read(Bench.cr) | 2 << 28 | 1 << 22)
        b.write(Bench.ir, 0x05)
        #expect(b.read(Bench.sr) & (1 << 5) != 0)
        #expect(b.read(Bench.sr) & 8 == 0)
        #expect(b.events().contains(.autoPollStalled(instance: 1, status: 0, mask: 2, match: 2)))
    }

    @Test("Memory-mapped reads become read transactions; AR writes are ignored in that mode (reference §B.2)")
    func memoryMapped() {
        let b = ready()
        b.flash.memory[0x1000] = 0xDE
        b.flash.memory[0x1001] = 0xAD
        b.enterMemoryMapped()
        #expect(b.read(0x9000_1000, .halfword) == 0xADDE)
        #expect(b.flash.received.last == SPITransaction(instruction: 0x6C, address: 0x1000, addressSize: 4, dummyCycles: 8, direction: .read(count: 2), dataFormat: .quad))
        b.write(Bench.ar, 0x55)
        #expect(b.events().contains(.ignoredWrite(peripheral: "OCTOSPI1", register: "OCTOSPI1_AR", value: 0x55, reason: .memoryMapped)))
        #expect(b.read(Bench.sr) & (1 << 5) != 0, "BUSY while memory-mapped")
    }

    @Test("A window read outside memory-mapped mode is a bus error (CPU) and a failed debug read")
    func windowOutsideMemoryMapped() {
        let b = ready()
        b.read(0x9000_0000)
        #expect(b.busErrors.count == 1)
        #expect(b.soc.debugRead(address: 0x9000_0000, count: 4) == .failure(.busError(address: 0x9000_0000, instance: 1)))
        b.enterMemoryMapped()
        #expect(b.soc.debugRead(address: 0x9000_0000, count: 6) == .success(Array(repeating: 0xFF, count: 6)))
    }

    @Test("ABORT ends memory-mapped activity, sets TCF and leaves FMODE alone (reference §B.2 ABORT)")
    func abort() {
        let b = ready()
        b.enterMemoryMapped()
        b.read(0x9000_0000)
        b.write(Bench.cr, b.read(Bench.cr) | 2)
        let sr = b.read(Bench.sr)
        #expect(sr & 2 != 0 && sr & (1 << 5) == 0)
        #expect(b.read(Bench.cr) & 2 == 0, "ABORT reads 0")
        #expect(b.soc.octospi1.fmode == 3)
        b.setFMODE(0)
        #expect(b.soc.octospi1.fmode == 0, "with BUSY=0 the mode can change")
        b.write(Bench.ccr, 1)
        b.write(Bench.tcr, 0)
        b.write(Bench.ir, 0x06)
        #expect(b.flash.received.last == SPITransaction(instruction: 0x06))
    }

    @Test("Leaving memory-mapped mode without ABORT is refused while BUSY")
    func leaveWithoutAbort() {
        let b = ready()
        b.enterMemoryMapped()
        b.read(0x9000_0000)
        b.setFMODE(0)
        #expect(b.soc.octospi1.fmode == 3)
    }

    @Test("Transfers cost bus clocks at kernel / (PRESCALER+1) in virtual time")
    func transferTime() {
        let b = ready()
        let start = b.clock.now
        b.write(Bench.ccr, 1)
        b.write(Bench.ir, 0x06)
        // 8 instruction clocks + CSHT 2 clocks, ×2 prescaler, at 4 MHz = 5 µs.
        #expect(b.clock.now - start == .microseconds(5))
    }

    @Test("DCACHE1 returns stale lines after a program until CACHEINV (reference §B.6)")
    func dcacheStale() {
        let b = ready()
        b.modify(Bench.ahb1enr, set: 1 << 30)
        b.write(0x4003_1400, 1)
        b.enterMemoryMapped()
        #expect(b.read(0x9000_0020) == 0xFFFF_FFFF)
        #expect(b.flash.received.last?.direction == .read(count: 32), "a line fill")
        b.write(Bench.cr, b.read(Bench.cr) | 2)
        b.flash.memory[0x20] = 0x00
        b.command(0x06, ccr: 1)
        b.enterMemoryMapped()
        #expect(b.read(0x9000_0020) == 0xFFFF_FFFF, "stale")
        #expect(b.events().contains(.staleCacheHit(address: 0x9000_0020)))
        b.write(0x4003_1400, 3)
        #expect(b.read(0x9000_0020) == 0xFFFF_FF00)
    }
}
