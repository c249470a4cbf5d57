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
