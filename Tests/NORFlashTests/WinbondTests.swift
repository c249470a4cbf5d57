import Testing
import VirtualTime
@testable import NORFlash

@Suite("Winbond W25Q..JV: QE in SR2, 31h, two-byte 01h, 50h, SR3 ADS/ADP, QPI 38h")
struct WinbondTests {
    func quadRead(_ bench: Bench) -> [UInt8] {
        bench.send(Tx.read(0x6B, 0, count: 4, dataLines: 4, dummy: 8))
    }

    @Test("a one-byte 01h 40h (the ISSI way) sets SR1 bit 6, not QE: quad reads stay refused")
    func issiStyleQuadEnableFails() {
        let bench = Bench(NORFlash(part: .w25q512jv, content: .bytes([1, 2, 3, 4])))
        bench.writeEnable()
        bench.send(Tx.writeRegister(0x01, [0x40]))
        bench.waitUntilReady()
        #expect(bench.status() & 0x40 == 0x40)
        #expect(bench.send(Tx.readRegister(0x35)) == [0x00], "SR2 untouched by a one-byte 01h")
        #expect(quadRead(bench) == [0xFF, 0xFF, 0xFF, 0xFF])
        #expect(bench.has { if case .quadWithoutQE = $0 { return true } else { return false } })
    }

    @Test("31h 02h sets QE (SR2 bit 1) and quad reads return the data")
    func writeStatusRegister2() {
        let bench = Bench(NORFlash(part: .w25q128jv, content: .bytes([1, 2, 3, 4])))
        bench.writeEnable()
        bench.send(Tx.writeRegister(0x31, [0x02]))
        bench.waitUntilReady()
        #expect(bench.send(Tx.readRegister(0x35)) == [0x02])
        #expect(quadRead(bench) == [1, 2, 3, 4])
    }

    @Test("a two-byte 01h writes SR1 then SR2")
    func twoByteWriteStatus() {
        let bench = Bench(NORFlash(part: .w25q64jv, content: .bytes([9, 8])))
        bench.writeEnable()
        bench.send(Tx.writeRegister(0x01, [0x00, 0x02]))
        bench.waitUntilReady()
        #expect(bench.flash.quadEnabled)
        #expect(Array(quadRead(bench).prefix(2)) == [9, 8])
    }

    @Test("50h makes the next status write volatile, without WEL; a power cycle restores the old value")
    func volatileStatusWrite() {
        let bench = Bench(NORFlash(part: .w25q32jv))
        bench.send(Tx.command(0x50))
        bench.send(Tx.writeRegister(0x31, [0x02]))
        #expect(bench.flash.quadEnabled)
        #expect(!bench.flash.isBusy, "volatile writes take no tW")
        bench.flash.powerCycle()
        #expect(!bench.flash.quadEnabled)
    }

    @Test("SR3 ADP (bit 1) set: the part powers up in 4-byte mode and SR3 ADS (bit 0) shows it")
    func powerUpAddressMode() {
        let bench = Bench(NORFlash(part: .w25q256jv))
        #expect(bench.send(Tx.readRegister(0x15)) == [0x00])
        bench.writeEnable()
        bench.send(Tx.writeRegister(0x11, [0x02]))
        bench.waitUntilReady()
        #expect(!bench.flash.registers.extendedAddressing)
        bench.flash.powerCycle()
        #expect(bench.flash.registers.extendedAddressing)
        #expect(bench.send(Tx.readRegister(0x15)) == [0x03])
        bench.send(Tx.command(0xE9))
        #expect(bench.send(Tx.readRegister(0x15)) == [0x02])
    }

    @Test("B7h then a 3-byte opcode takes 4 address bytes (the W25Q512 real loader's way)")
    func enter4ByteMode() {
        let bench = Bench(NORFlash(part: .w25q512jv))
        bench.send(Tx.command(0xB7))
        bench.program(0x02, 0x0300_0000, [0xA5], addressSize: 4)
        #expect(bench.flash.read(address: 0x0300_0000, count: 1) == [0xA5])
        #expect(bench.send(Tx.readRegister(0x15)) & [0x01] == [0x01])
    }

    @Test("QPI 38h is ignored while QE = 0")
    func qpiNeedsQE() {
        let bench = Bench(NORFlash(part: .w25q128jv))
        bench.send(Tx.command(0x38))
        #expect(!bench.flash.isQPI)
        #expect(bench.has { if case .qpiRefusedWithoutQE = $0 { return true } else { return false } })
    }
}

private func & (a: [UInt8], b: [UInt8]) -> [UInt8] { zip(a, b).map { $0 & $1 } }
