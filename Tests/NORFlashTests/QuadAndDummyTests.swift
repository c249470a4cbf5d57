import Testing
import VirtualTime
@testable import NORFlash

@Suite("QE and dummy cycles (reference §A.4 QE, read register DC3..DC0, §A.7.4-6)")
struct QuadAndDummyTests {
    func benchWithData(qe: Bool) -> (Bench, [UInt8]) {
        let bench = Bench()
        let data = pattern(32, seed: 0x30)
        bench.program(0x12, 0x0200_0000, data, addressSize: 4)
        if qe { bench.setQuadEnable() }
        return (bench, data)
    }

    @Test("a quad output read 6Ch with QE=0 is ignored: the lines float high and read FFh")
    func quadReadWithoutQE() {
        let (bench, _) = benchWithData(qe: false)
        let got = bench.send(Tx.read(0x6C, 0x0200_0000, count: 8, addressSize: 4, dataLines: 4, dummy: 8))
        #expect(got == [UInt8](repeating: 0xFF, count: 8))
        #expect(bench.has { if case .quadWithoutQE(_, .data) = $0 { return true } else { return false } })
    }

    @Test("after WREN + WRSR 40h (QE=1) the same quad read returns the data")
    func quadReadWithQE() {
        let (bench, data) = benchWithData(qe: true)
        #expect(bench.status() & 0x40 == 0x40)
        let got = bench.send(Tx.read(0x6C, 0x0200_0000, count: 8, addressSize: 4, dataLines: 4, dummy: 8))
        #expect(got == Array(data[0..<8]))
    }

    @Test("QE is non-volatile: it survives a power cycle")
    func qeSurvivesPowerCycle() {
        let (bench, _) = benchWithData(qe: true)
        bench.flash.powerCycle()
        #expect(bench.status() & 0x40 == 0x40)
    }

    @Test("ECh with mode byte 00h on 4 lines (2 clocks) + 4 dummies matches the default 6")
    func quadIOReadWithDefaultDummies() {
        let (bench, data) = benchWithData(qe: true)
        let got = bench.send(Tx.read(0xEC, 0x0200_0000, count: 8, addressSize: 4, addressLines: 4, dataLines: 4, dummy: 4, alternate: 0x00))
        #expect(got == Array(data[0..<8]))
        #expect(!bench.has { if case .dummyCycleMismatch = $0 { return true } else { return false } })
    }

    @Test("6 dummies sent where DC=8 is set: quad data arrives two nibbles (one byte) late")
    func fewerDummiesShiftData() {
        let (bench, data) = benchWithData(qe: true)
        bench.send(Tx.writeRegister(0xC0, [8 << 3]))
        #expect(bench.send(Tx.readRegister(0x61)) == [0x40])
        let got = bench.send(Tx.read(0xEC, 0x0200_0000, count: 8, addressSize: 4, addressLines: 4, dataLines: 4, dummy: 6))
        #expect(got == [0xFF] + Array(data[0..<7]))
        #expect(bench.has { if case .dummyCycleMismatch(_, 8, 6, 4) = $0 { return true } else { return false } })
    }

    @Test("one dummy too many on 4 lines shifts by a nibble")
    func oneExtraDummyShiftsANibble() {
        let (bench, data) = benchWithData(qe: true)
        let got = bench.send(Tx.read(0x6C, 0x0200_0000, count: 4, addressSize: 4, dataLines: 4, dummy: 9))
        let expected = (0..<4).map { UInt8(truncatingIfNeeded: data[$0] << 4 | data[$0 + 1] >> 4) }
        #expect(got == expected)
    }

    @Test("on 1 line, fast read 0Ch with 8 dummies reads right; 03h needs none")
    func singleLineReads() {
        let (bench, data) = benchWithData(qe: false)
        #expect(bench.send(Tx.read(0x0C, 0x0200_0000, count: 4, addressSize: 4, dummy: 8)) == Array(data[0..<4]))
        #expect(bench.send(Tx.read(0x13, 0x0200_0000, count: 4, addressSize: 4)) == Array(data[0..<4]))
    }

    @Test("address phase on 1 line for EBh (1-4-4) is sampled wrong: command ignored")
    func wrongAddressLines() {
        let (bench, _) = benchWithData(qe: true)
        let got = bench.send(Tx.read(0xEC, 0x0200_0000, count: 4, addressSize: 4, addressLines: 1, dataLines: 4, dummy: 6))
        #expect(got == [0xFF, 0xFF, 0xFF, 0xFF])
        #expect(bench.has { if case .phaseLinesMismatch(_, .address, 4, 1) = $0 { return true } else { return false } })
    }
}

@Suite("Volatile register writes and WEL (reference §A.3 C0h/63h, §A.7.7)")
struct VolatileRegisterWriteTests {
    @Test("C0h sets the read register without Write Enable by default")
    func readRegisterWithoutWREN() {
        let bench = Bench()
        bench.send(Tx.writeRegister(0xC0, [0x30]))
        #expect(bench.send(Tx.readRegister(0x61)) == [0x30])
    }

    @Test("with the strict quirk, C0h without Write Enable is refused")
    func strictReadRegister() {
        var part = FlashPart.is25lp512m
        part.quirks.volatileRegisterWritesNeedWriteEnable = true
        let bench = Bench(NORFlash(part: part))
        bench.send(Tx.writeRegister(0xC0, [0x30]))
        #expect(bench.send(Tx.readRegister(0x61)) == [0x00])
        bench.writeEnable()
        bench.send(Tx.writeRegister(0xC0, [0x30]))
        #expect(bench.send(Tx.readRegister(0x61)) == [0x30])
    }

    @Test("65h (non-volatile) needs Write Enable and survives a power cycle")
    func nonVolatileReadRegister() {
        let bench = Bench()
        bench.send(Tx.writeRegister(0x65, [0x40]))
        #expect(bench.send(Tx.readRegister(0x61)) == [0x00])
        bench.writeEnable()
        bench.send(Tx.writeRegister(0x65, [0x40]))
        bench.waitUntilReady()
        bench.flash.powerCycle()
        #expect(bench.send(Tx.readRegister(0x61)) == [0x40])
    }
}
