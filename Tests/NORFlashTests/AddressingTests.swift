import Testing
import VirtualTime
@testable import NORFlash

@Suite("3-byte, 4-byte and bank addressing (reference §A.3, §A.4 bank address register, §A.7.1)")
struct AddressingTests {
    @Test("a 3-byte program lands in the bank BAR selects")
    func bankRegisterSelectsBank() {
        let bench = Bench()
        bench.send(Tx.writeRegister(0x17, [0x01]))
        bench.program(0x02, 0x00_0100, [0xAB])
        #expect(bench.flash.read(address: 0x0100_0100, count: 1) == [0xAB])
        #expect(bench.flash.read(address: 0x0000_0100, count: 1) == [0xFF])
        #expect(bench.has { if case .addressAliasedByBank(_, 0x100, 0x0100_0100, 1) = $0 { return true } else { return false } })
    }

    @Test("an address above 16 MiB sent as 4 bytes to a 3-byte opcode lands in bank 0")
    func highAddressWithThreeByteOpcodeAliases() {
        let bench = Bench()
        bench.program(0x02, 0x0100_0100, [0xCD], addressSize: 4)
        #expect(bench.flash.read(address: 0x0000_0100, count: 1) == [0xCD])
        #expect(bench.flash.read(address: 0x0100_0100, count: 1) == [0xFF])
        #expect(bench.has { if case .addressWidthMismatch(_, 3, 4) = $0 { return true } else { return false } })
        #expect(bench.has { if case .addressAliasedByBank(_, 0x0100_0100, 0x100, 0) = $0 { return true } else { return false } })
    }

    @Test("after EN4B B7h a 3B/4B opcode takes 4 address bytes and lands right")
    func extendedAddressing() {
        let bench = Bench()
        bench.send(Tx.command(0xB7))
        #expect(bench.send(Tx.readRegister(0x16)) == [0x80])
        bench.program(0x02, 0x0300_0010, [0x42], addressSize: 4)
        #expect(bench.flash.read(address: 0x0300_0010, count: 1) == [0x42])
        #expect(!bench.has { if case .addressWidthMismatch = $0 { return true } else { return false } })
    }

    @Test("a dedicated 4-byte opcode lands right whatever EXTADD and BAR say")
    func fourByteOpcodesIgnoreBank() {
        let bench = Bench()
        bench.send(Tx.writeRegister(0x17, [0x02]))
        bench.program(0x12, 0x0100_0020, [0x77], addressSize: 4)
        #expect(bench.flash.read(address: 0x0100_0020, count: 1) == [0x77])
        #expect(bench.send(Tx.read(0x13, 0x0100_0020, count: 1, addressSize: 4)) == [0x77])
    }

    @Test("17h writes BAR without WREN; C5h needs it")
    func bankWriteEnableRules() {
        let bench = Bench()
        bench.send(Tx.writeRegister(0xC5, [0x01]))
        #expect(bench.send(Tx.readRegister(0x16)) == [0x00])
        bench.send(Tx.writeRegister(0x17, [0x03]))
        #expect(bench.send(Tx.readRegister(0x16)) == [0x03])
    }
}

@Suite("Power-up addressing (reference §A.5)")
struct PowerUpAddressingTests {
    @Test("the factory part powers up in 3-byte mode with bank 0")
    func factoryDefault() {
        let bench = Bench()
        #expect(bench.send(Tx.readRegister(0x16)) == [0x00])
    }

    @Test("after 18h wrote EXTADD=1 non-volatile, the part powers up in 4-byte mode")
    func nonVolatileExtendedAddressing() {
        let bench = Bench()
        bench.writeEnable()
        bench.send(Tx.writeRegister(0x18, [0x80]))
        bench.waitUntilReady()
        bench.send(Tx.command(0x29))
        bench.flash.powerCycle()
        #expect(bench.send(Tx.readRegister(0x16)) == [0x80])
        bench.program(0x02, 0x0300_0000, [0x11], addressSize: 4)
        #expect(bench.flash.read(address: 0x0300_0000, count: 1) == [0x11])
    }

    @Test("the non-volatile state a board had can be given at init")
    func initialNonVolatileState() {
        var nv = FlashRegisters()
        nv.status = 0x40
        nv.bankAddressNonVolatile = 0x81
        let bench = Bench(NORFlash(nonVolatile: nv))
        #expect(bench.status() == 0x40)
        #expect(bench.send(Tx.readRegister(0x16)) == [0x81])
    }
}

@Suite("Phase formats the flash does not accept (reference §A.3, §A.7.4)")
struct PhaseFormatTests {
    @Test("a 1-4-4 read with QE=0 is ignored: the address never reaches the flash")
    func quadAddressWithoutQE() {
        let bench = Bench()
        let got = bench.send(Tx.read(0xEB, 0, count: 2, addressLines: 4, dataLines: 4, dummy: 4, alternate: 0))
        #expect(got == [0xFF, 0xFF])
        #expect(bench.has { if case .quadWithoutQE(_, .address) = $0 { return true } else { return false } })
    }

    @Test("a DTR data phase on a single-rate command is not understood")
    func dtrOnSingleRateCommand() {
        let bench = Bench()
        bench.program(0x02, 0, [0x00])
        var t = Tx.read(0x03, 0, count: 1)
        t.dataFormat = SPIPhaseFormat(lines: 1, doubleTransferRate: true)
        #expect(bench.send(t) == [0xFF])
        #expect(bench.has { if case .doubleTransferRateNotSupported(_, .data) = $0 { return true } else { return false } })
    }

    @Test("Write Enable followed by a data phase is not executed")
    func writeEnableWithData() {
        let bench = Bench()
        bench.send(Tx.writeRegister(0x06, [0x00]))
        #expect(bench.status() & 0x02 == 0)
        #expect(bench.has { if case .unexpectedPhase(_, .data) = $0 { return true } else { return false } })
    }
}
