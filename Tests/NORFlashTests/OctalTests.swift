import Testing
import VirtualTime
@testable import NORFlash

/// 8-8-8 transactions as an OCTOSPI puts them on the wires: 2-byte instruction (opcode,
/// inverse), 4-byte address, all on 8 lines, at STR or DTR.
enum OTx {
    static func op(_ opcode: UInt8, dtr: Bool, address: UInt32? = nil, dummy: Int = 0,
                   direction: SPITransaction.Direction = .none, dqs: Bool = false, inverse: UInt8? = nil) -> SPITransaction {
        let f = SPIPhaseFormat(lines: 8, doubleTransferRate: dtr)
        return SPITransaction(
            instruction: UInt32(opcode) << 8 | UInt32(inverse ?? ~opcode), instructionSize: 2, instructionFormat: f,
            address: address, addressSize: 4, addressFormat: f, dummyCycles: dummy,
            direction: direction, dataFormat: f, dataStrobe: dqs)
    }
}

@Suite("MX25LM51245G octal: SPI, STR OPI, DTR OPI, CR2, 2-byte instructions, DQS (ST BSP mx25lm51245g)")
struct OctalTests {
    func enter(_ mode: UInt8, _ bench: Bench) {
        bench.writeEnable()
        bench.send(SPITransaction(instruction: 0x72, address: 0, addressSize: 4, direction: .write([mode])))
    }

    @Test("72h at CR2 0x0000_0000 with SOPI switches to STR OPI; 1-line commands are then not understood")
    func enterSTR() {
        let bench = Bench(NORFlash(part: .mx25lm51245g))
        enter(0x01, bench)
        #expect(bench.flash.octalMode == .strOPI)
        #expect(bench.send(Tx.readRegister(0x05)) == [0xFF])
        #expect(bench.has { if case .octalInstructionNotUnderstood = $0 { return true } else { return false } })
        let id = bench.send(OTx.op(0x9F, dtr: false, address: 0, dummy: 4, direction: .read(count: 3)))
        #expect(id == [0xC2, 0x85, 0x3A])
    }

    @Test("the second instruction byte must be the inverse of the first")
    func opcodeExtension() {
        let bench = Bench(NORFlash(part: .mx25lm51245g))
        enter(0x01, bench)
        bench.send(OTx.op(0x06, dtr: false, inverse: 0x06))
        #expect(!bench.flash.registers.writeEnableLatch)
        #expect(bench.has { if case .opcodeExtensionMismatch(0x06, 0x06) = $0 { return true } else { return false } })
    }

    @Test("STR OPI: program 12EDh, read EC13h with 20 dummy clocks (CR2 DC = 000), then 6 after DC = 111")
    func strProgramAndRead() {
        let bench = Bench(NORFlash(part: .mx25lm51245g))
        enter(0x01, bench)
        bench.send(OTx.op(0x06, dtr: false))
        bench.send(OTx.op(0x12, dtr: false, address: 0x0100_0000, direction: .write([1, 2, 3, 4])))
        bench.waitUntilReady()
        #expect(bench.send(OTx.op(0xEC, dtr: false, address: 0x0100_0000, dummy: 20, direction: .read(count: 4))) == [1, 2, 3, 4])
        bench.send(OTx.op(0x06, dtr: false))
        bench.send(OTx.op(0x72, dtr: false, address: 0x300, direction: .write([0x07])))
        #expect(bench.send(OTx.op(0x71, dtr: false, address: 0x300, dummy: 4, direction: .read(count: 1))) == [0x07])
        #expect(bench.send(OTx.op(0xEC, dtr: false, address: 0x0100_0000, dummy: 6, direction: .read(count: 4))) == [1, 2, 3, 4])
        #expect(!bench.has { if case .dummyCycleMismatch = $0 { return true } else { return false } })
    }

    @Test("DTR OPI: EE11h read with DQS returns the data; the ST BSP's 5 dummy clocks on a status read are harmless")
    func dtrRead() {
        let bench = Bench(NORFlash(part: .mx25lm51245g, content: .bytes([9, 8, 7, 6])))
        enter(0x02, bench)
        #expect(bench.flash.octalMode == .dtrOPI)
        #expect(bench.send(OTx.op(0xEE, dtr: true, address: 0, dummy: 20, direction: .read(count: 4), dqs: true)) == [9, 8, 7, 6])
        #expect(bench.send(OTx.op(0x05, dtr: true, address: 0, dummy: 5, direction: .read(count: 2), dqs: true)) == [0, 0])
        #expect(!bench.has { if case .dummyCycleMismatch = $0 { return true } else { return false } })
        #expect(!bench.has { if case .dtrReadWithoutDataStrobe = $0 { return true } else { return false } })
    }

    @Test("DTR OPI: 9F60h returns each ID byte twice (A A B B C C), as Linux's Macronix driver checks; STR OPI once each")
    func dtrReadIdentification() {
        let bench = Bench(NORFlash(part: .mx25lm51245g))
        enter(0x02, bench)
        let id = bench.send(OTx.op(0x9F, dtr: true, address: 0, dummy: 5, direction: .read(count: 6), dqs: true))
        #expect(id == [0xC2, 0xC2, 0x85, 0x85, 0x3A, 0x3A])
    }

    @Test("DTR OPI read with the STR dummy count of the BSP's DC=6 setting while CR2 still says 20: shifted, named")
    func dtrReadWithWrongDummy() {
        let bench = Bench(NORFlash(part: .mx25lm51245g, content: .bytes([9, 8, 7, 6])))
        enter(0x02, bench)
        let got = bench.send(OTx.op(0xEE, dtr: true, address: 0, dummy: 6, direction: .read(count: 4), dqs: true))
        #expect(got != [9, 8, 7, 6])
        #expect(bench.has { if case .dummyCycleMismatch(_, 20, 6, 16) = $0 { return true } else { return false } })
    }

    @Test("DTR OPI read without DQS is reported; an STR instruction in DTR mode is not understood")
    func dtrWithoutStrobe() {
        let bench = Bench(NORFlash(part: .mx25lm51245g))
        enter(0x02, bench)
        bench.send(OTx.op(0xEE, dtr: true, address: 0, dummy: 20, direction: .read(count: 2)))
        #expect(bench.has { if case .dtrReadWithoutDataStrobe = $0 { return true } else { return false } })
        bench.send(OTx.op(0x05, dtr: false, address: 0, dummy: 4, direction: .read(count: 1)))
        #expect(bench.has { if case .octalInstructionNotUnderstood(_, 2, 8, false, .dtrOPI) = $0 { return true } else { return false } })
        bench.send(OTx.op(0xEC, dtr: true, address: 0, dummy: 20, direction: .read(count: 2), dqs: true))
        #expect(bench.has { if case .commandNotAvailableInMode = $0 { return true } else { return false } })
    }

    @Test("DTR OPI erase and program with a DTR address phase; an STR address phase is refused")
    func dtrProgram() {
        let bench = Bench(NORFlash(part: .mx25lm51245g, content: .previousFirmware(seed: 1)))
        enter(0x02, bench)
        bench.send(OTx.op(0x06, dtr: true))
        bench.send(OTx.op(0x21, dtr: true, address: 0x2000))
        bench.waitUntilReady()
        bench.send(OTx.op(0x06, dtr: true))
        bench.send(OTx.op(0x12, dtr: true, address: 0x2000, direction: .write([0x10, 0x20])))
        bench.waitUntilReady()
        #expect(bench.flash.read(address: 0x2000, count: 3) == [0x10, 0x20, 0xFF])
        var t = OTx.op(0x06, dtr: true)
        bench.send(t)
        t = OTx.op(0x12, dtr: true, address: 0x3000, direction: .write([0]))
        t.addressFormat = SPIPhaseFormat(lines: 8)
        bench.send(t)
        #expect(bench.has { if case .phaseRateMismatch(_, .address, true) = $0 { return true } else { return false } })
    }

    @Test("software reset 6699h/9966h in OPI returns the part to SPI")
    func resetToSPI() {
        let bench = Bench(NORFlash(part: .mx25lm51245g))
        enter(0x02, bench)
        bench.send(OTx.op(0x66, dtr: true))
        bench.send(OTx.op(0x99, dtr: true))
        #expect(bench.flash.octalMode == .spi)
        #expect(bench.send(Tx.readRegister(0x9F, count: 3)) == [0xC2, 0x85, 0x3A])
    }

    @Test("CR2 0x0000_0000 reads back the current mode; a power cycle returns to SPI")
    func powerCycle() {
        let bench = Bench(NORFlash(part: .mx25lm51245g))
        enter(0x01, bench)
        #expect(bench.send(OTx.op(0x71, dtr: false, address: 0, dummy: 4, direction: .read(count: 1))) == [0x01])
        bench.flash.powerCycle()
        #expect(bench.flash.octalMode == .spi)
    }
}
