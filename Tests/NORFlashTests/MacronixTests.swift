import Testing
import VirtualTime
@testable import NORFlash

@Suite("Macronix MX25L quad: QE in SR bit 6, WRSR writes SR+CR, CR dummy bits, 4BYTE bit, security register")
struct MacronixTests {
    @Test("QE is SR bit 6 as on ISSI: one-byte 01h 40h enables quad")
    func quadEnable() {
        let bench = Bench(NORFlash(part: .mx25l51245g, content: .bytes([1, 2])))
        bench.setQuadEnable()
        #expect(Array(bench.send(Tx.read(0x6B, 0, count: 2, dataLines: 4, dummy: 8))) == [1, 2])
    }

    @Test("a two-byte WRSR writes CR; DC1..DC0 = 01 makes EBh wait 4 clocks")
    func configurationDummy() {
        let bench = Bench(NORFlash(part: .mx25l25645g, content: .bytes([0xAB, 0xCD])))
        bench.writeEnable()
        bench.send(Tx.writeRegister(0x01, [0x40, 0x40]))
        bench.waitUntilReady()
        #expect(bench.send(Tx.readRegister(0x15)) == [0x40])
        let got = bench.send(Tx.read(0xEB, 0, count: 2, addressLines: 4, dataLines: 4, dummy: 2, alternate: 0x00))
        #expect(got == [0xAB, 0xCD])
        #expect(!bench.has { if case .dummyCycleMismatch = $0 { return true } else { return false } })
    }

    @Test("B7h sets CR bit 5 (4BYTE), which WRSR cannot write")
    func fourByteBit() {
        let bench = Bench(NORFlash(part: .mx25l51245g))
        bench.send(Tx.command(0xB7))
        #expect(bench.send(Tx.readRegister(0x15)) == [0x20])
        bench.writeEnable()
        bench.send(Tx.writeRegister(0x01, [0x00, 0x00]))
        bench.waitUntilReady()
        #expect(bench.send(Tx.readRegister(0x15)) == [0x20])
    }

    @Test("an injected erase failure sets E_FAIL in the security register (2Bh bit 6)")
    func securityRegister() {
        let flash = NORFlash(part: .mx25l51245g, content: .bytes([0]))
        flash.faults.failingErases = [0..<1]
        let bench = Bench(flash)
        bench.writeEnable()
        bench.send(Tx.addressed(0x21, 0, addressSize: 4))
        bench.waitUntilReady()
        #expect(bench.send(Tx.readRegister(0x2B)) == [0x40])
    }
}
