import Testing
import VirtualTime
@testable import NORFlash

@Suite("Micron MT25QL/N25Q512A: no QE, flag status register, configuration registers, stacked-die polling")
struct MicronTests {
    func flagStatus(_ bench: Bench) -> UInt8 { bench.send(Tx.readRegister(0x70)).first ?? 0 }

    @Test("quad reads need no QE bit on Micron")
    func quadWithoutQE() {
        let bench = Bench(NORFlash(part: .mt25ql512abb, content: .bytes([7, 6, 5, 4])))
        #expect(bench.send(Tx.read(0x6B, 0, count: 4, dataLines: 4, dummy: 8)) == [7, 6, 5, 4])
    }

    @Test("flag status bit 7 is 0 while a program runs and 1 after; SR1 WIP is its inverse (MT25Q datasheet)")
    func readyBitMirrorsWIP() {
        let bench = Bench(NORFlash(part: .mt25ql512abb))
        bench.writeEnable()
        bench.send(Tx.program(0x02, 0, [1]))
        #expect(flagStatus(bench) & 0x80 == 0)
        #expect(bench.status() & 1 == 1)
        bench.waitUntilReady()
        #expect(flagStatus(bench) & 0x80 == 0x80)
        #expect(bench.status() & 1 == 0)
    }

    @Test("a program into a protected sector is not executed: WEL stays set, FSR bits 4 and 1 set, 50h clears them")
    func protectedProgram() {
        let bench = Bench(NORFlash(part: .mt25ql256aba))
        bench.writeEnable()
        bench.send(Tx.writeRegister(0x01, [0x04]))   // BP0: the top 64 KiB
        bench.waitUntilReady()
        let top = UInt32(32 << 20) - 256
        bench.writeEnable()
        bench.send(Tx.program(0x12, top, [0], addressSize: 4))
        #expect(bench.flash.read(address: top, count: 1) == [0xFF])
        #expect(flagStatus(bench) & 0x12 == 0x12)
        #expect(bench.status() & 0x02 == 0x02, "WEL remains set")
        bench.send(Tx.command(0x50))
        #expect(flagStatus(bench) & 0x32 == 0)
    }

    @Test("an injected program failure leaves the array, sets FSR program error (bit 4) and names it")
    func injectedProgramFailure() {
        let flash = NORFlash(part: .mt25ql512abb)
        flash.faults.failingPrograms = [0x1000..<0x1100]
        let bench = Bench(flash)
        bench.program(0x02, 0x1000, [0x00, 0x11])
        #expect(flash.read(address: 0x1000, count: 2) == [0xFF, 0xFF])
        #expect(flagStatus(bench) & 0x90 == 0x90, "ready, program error")
        #expect(bench.has { if case .operationFailed = $0 { return true } else { return false } })
    }

    @Test("an injected erase failure sets FSR erase error (bit 5)")
    func injectedEraseFailure() {
        let flash = NORFlash(part: .mt25ql128aba, content: .bytes([0]))
        flash.faults.failingErases = [0..<1]
        let bench = Bench(flash)
        bench.writeEnable()
        bench.send(Tx.addressed(0x20, 0))
        bench.waitUntilReady()
        #expect(flash.read(address: 0, count: 1) == [0x00])
        #expect(flagStatus(bench) & 0x20 == 0x20)
    }

    @Test("B7h needs Write Enable on Micron; then FSR bit 0 shows 4-byte mode")
    func fourByteModeNeedsWREN() {
        let bench = Bench(NORFlash(part: .mt25ql512abb))
        bench.send(Tx.command(0xB7))
        #expect(!bench.flash.registers.extendedAddressing)
        #expect(bench.has { if case .refusedWithoutWriteEnable = $0 { return true } else { return false } })
        bench.writeEnable()
        bench.send(Tx.command(0xB7))
        #expect(flagStatus(bench) & 0x01 == 0x01)
    }

    @Test("VCR dummy field (bits 7:4) sets the dummy clocks of EBh; 1111 means the default 10")
    func volatileConfigurationDummy() {
        let bench = Bench(NORFlash(part: .mt25ql512abb, content: .bytes([0x12, 0x34])))
        #expect(bench.send(Tx.read(0xEB, 0, count: 2, addressLines: 4, dataLines: 4, dummy: 10)) == [0x12, 0x34])
        bench.writeEnable()
        bench.send(Tx.writeRegister(0x81, [0x8B]))
        #expect(bench.send(Tx.readRegister(0x85)) == [0x8B])
        #expect(bench.send(Tx.read(0xEB, 0, count: 2, addressLines: 4, dataLines: 4, dummy: 8)) == [0x12, 0x34])
        #expect(!bench.has { if case .dummyCycleMismatch = $0 { return true } else { return false } })
    }

    @Test("NVCR bit 0 = 0 (B1h) makes the part power up in 4-byte mode")
    func nonVolatileAddressMode() {
        let bench = Bench(NORFlash(part: .mt25ql256aba))
        bench.writeEnable()
        bench.send(Tx.writeRegister(0xB1, [0xFE, 0xFF]))
        bench.waitUntilReady()
        #expect(bench.send(Tx.readRegister(0xB5, count: 2)) == [0xFE, 0xFF])
        bench.flash.powerCycle()
        #expect(bench.flash.registers.extendedAddressing)
    }

    @Test("stacked N25Q512A: a second program before 70h is read is refused; after 70h it runs")
    func stackedDieNeedsFlagStatus() {
        let bench = Bench(NORFlash(part: .n25q512a))
        bench.program(0x02, 0, [0x00])
        bench.writeEnable()
        bench.send(Tx.program(0x02, 1, [0x00]))
        #expect(bench.flash.read(address: 1, count: 1) == [0xFF])
        #expect(bench.has { if case .refusedUntilFlagStatusRead = $0 { return true } else { return false } })
        _ = flagStatus(bench)
        bench.send(Tx.program(0x02, 1, [0x00]))
        #expect(bench.flash.read(address: 1, count: 1) == [0x00])
    }

    @Test("monolithic MT25QL512ABB: WIP polling alone is enough between programs")
    func monolithicNeedsNoFlagStatus() {
        let bench = Bench(NORFlash(part: .mt25ql512abb))
        bench.program(0x02, 0, [0x00])
        bench.program(0x02, 1, [0x00])
        #expect(bench.flash.read(address: 0, count: 2) == [0x00, 0x00])
    }
}
