import Testing
import VirtualTime
@testable import NORFlash

@Suite("Block protection and error flags (reference §A.4 BP3..BP0, TBS, extended read register)")
struct ProtectionTests {
    func protectedBench(status: UInt8, programmedFirst: UInt32? = nil) -> Bench {
        let bench = Bench()
        if let address = programmedFirst { bench.program(0x12, address, [0x00], addressSize: 4) }
        bench.writeEnable()
        bench.send(Tx.writeRegister(0x01, [status]))
        bench.waitUntilReady()
        return bench
    }

    @Test("BP0=1 protects the top 64 KiB: a sector erase there is refused and sets PROT_E and E_ERR")
    func eraseInProtectedArea() {
        let bench = protectedBench(status: 0x04, programmedFirst: 0x03FF_0000)
        #expect(bench.flash.read(address: 0x03FF_0000, count: 1) == [0x00])
        bench.writeEnable()
        bench.send(Tx.addressed(0x21, 0x03FF_0000, addressSize: 4))
        #expect(bench.flash.read(address: 0x03FF_0000, count: 1) == [0x00])
        #expect(bench.send(Tx.readRegister(0x81)) == [0xE0 | 0x02 | 0x08])
        #expect(bench.has { if case .refusedProtected = $0 { return true } else { return false } })
        #expect(bench.status() & 0x02 == 0)
    }

    @Test("the same erase outside the protected area works")
    func eraseOutsideProtectedArea() {
        let bench = protectedBench(status: 0x04)
        bench.program(0x12, 0x03FE_0000, [0x00], addressSize: 4)
        bench.writeEnable()
        bench.send(Tx.addressed(0x21, 0x03FE_0000, addressSize: 4))
        bench.waitUntilReady()
        #expect(bench.flash.read(address: 0x03FE_0000, count: 1) == [0xFF])
    }

    @Test("a program into a protected page sets PROT_E and P_ERR; 82h clears them")
    func programErrorAndClear() {
        let bench = protectedBench(status: 0x04)
        bench.program(0x12, 0x03FF_FF00, [0x00], addressSize: 4)
        #expect(bench.flash.read(address: 0x03FF_FF00, count: 1) == [0xFF])
        #expect(bench.send(Tx.readRegister(0x81)) == [0xE6])
        bench.send(Tx.command(0x82))
        #expect(bench.send(Tx.readRegister(0x81)) == [0xE0])
    }

    @Test("TBS=1 moves the protected area to the bottom")
    func bottomProtection() {
        let bench = protectedBench(status: 0x04)
        bench.writeEnable()
        bench.send(Tx.writeRegister(0x42, [0x02]))
        bench.waitUntilReady()
        #expect(bench.flash.protectedRange() == 0..<0x1_0000)
    }

    @Test("chip erase is refused while any BP bit is set")
    func chipEraseRefused() {
        let bench = protectedBench(status: 0x04)
        bench.program(0x02, 0, [0x00])
        bench.writeEnable()
        bench.send(Tx.command(0x60))
        #expect(bench.flash.read(address: 0, count: 1) == [0x00])
        #expect(bench.has { if case .chipEraseRefusedProtected = $0 { return true } else { return false } })
    }
}

@Suite("Block-protect table (reference §A.4; ufprog is25xp512mj_wpr_4bp_tbs0)")
struct BlockProtectTableTests {
    @Test("BP3..BP0 values map to the protected top area", arguments: [
        (UInt8(0b0000), nil as Range<UInt32>?),
        (0b0001, 0x03FF_0000..<0x0400_0000),
        (0b1010, 0x0200_0000..<0x0400_0000),
        (0b1011, 0x0100_0000..<0x0400_0000),
        (0b1111, 0..<0x0400_0000),
    ])
    func table(bp: UInt8, expected: Range<UInt32>?) {
        let bench = Bench()
        bench.writeEnable()
        bench.send(Tx.writeRegister(0x01, [bp << 2]))
        #expect(bench.flash.protectedRange() == expected)
    }
}
