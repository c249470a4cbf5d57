import Testing
import VirtualTime
@testable import NORFlash

@Suite("Product ID, manufacturer/device ID, unique ID (reference §A.1 other ID commands)")
struct OtherIDTests {
    @Test("ABh with 3 dummy address bytes returns the device ID and leaves deep power-down")
    func releaseAndReadProductID() {
        let bench = Bench()
        bench.send(Tx.command(0xB9))
        var t = Tx.readRegister(0xAB, count: 2)
        t.address = 0
        #expect(bench.send(t) == [0x19, 0x19])
        #expect(!bench.flash.isDeepPowerDown)
    }

    @Test("90h at address 0 returns 9Dh then the device ID; at address 1 the reverse")
    func manufacturerDeviceID() {
        let bench = Bench()
        #expect(bench.send(Tx.read(0x90, 0, count: 2)) == [0x9D, 0x19])
        #expect(bench.send(Tx.read(0x90, 1, count: 2)) == [0x19, 0x9D])
    }

    @Test("4Bh returns 16 stable bytes after 8 dummies")
    func uniqueID() {
        let a = Bench().send(Tx.read(0x4B, 0, count: 16, dummy: 8))
        let b = Bench().send(Tx.read(0x4B, 0, count: 16, dummy: 8))
        #expect(a == b && a.count == 16 && a != [UInt8](repeating: 0xFF, count: 16))
    }

    @Test("RDSFDP sent with no dummies reads the table 8 bits early")
    func sfdpWithoutDummies() {
        let got = Bench().send(Tx.read(0x5A, 0, count: 4))
        #expect(got == [0xFF] + Array("SFD".utf8))
    }
}
