import Testing
import VirtualTime
@testable import NORFlash

@Suite("Identification (reference §A.1)")
struct IdentificationTests {
    @Test("9Fh in SPI mode returns 9D 60 1A for the IS25LP512M")
    func jedecIDInSPI() {
        let bench = Bench()
        #expect(bench.send(Tx.readRegister(0x9F, count: 3)) == [0x9D, 0x60, 0x1A])
    }

    @Test("AFh on 4 lines in QPI mode returns the same ID; 9Fh is not available in QPI")
    func jedecIDInQPI() {
        let bench = Bench()
        bench.send(Tx.command(0x35))
        #expect(bench.flash.isQPI)
        #expect(bench.send(Tx.readRegister(0xAF, count: 3, lines: 4)) == [0x9D, 0x60, 0x1A])
        #expect(bench.send(Tx.readRegister(0x9F, count: 3, lines: 4)) == [0xFF, 0xFF, 0xFF])
        #expect(bench.has { if case .commandNotAvailableInMode = $0 { return true } else { return false } })
    }

    @Test("the WP and MJ variants answer their own IDs", arguments: [
        (FlashPart.is25wp512m, [UInt8]([0x9D, 0x70, 0x1A])),
        (FlashPart.is25lp512mj, [UInt8]([0x9D, 0x60, 0x20])),
        (FlashPart.is25wp512mj, [UInt8]([0x9D, 0x70, 0x20])),
    ])
    func variantIDs(part: FlashPart, id: [UInt8]) {
        let bench = Bench(NORFlash(part: part))
        #expect(bench.send(Tx.readRegister(0x9F, count: 3)) == id)
        #expect(FlashPart.part(jedecID: id)?.name == part.name)
    }

    @Test("a 1-line instruction in QPI mode is not understood")
    func singleLineInstructionInQPI() {
        let bench = Bench()
        bench.send(Tx.command(0x35))
        #expect(bench.send(Tx.readRegister(0x9F, count: 3)) == [0xFF, 0xFF, 0xFF])
        #expect(bench.has { if case .instructionNotUnderstood(0x9F, 1, true) = $0 { return true } else { return false } })
    }

    @Test("a 4-line instruction in SPI mode is not understood")
    func quadInstructionInSPI() {
        let bench = Bench()
        #expect(bench.send(Tx.readRegister(0xAF, count: 3, lines: 4)) == [0xFF, 0xFF, 0xFF])
        #expect(bench.has { if case .instructionNotUnderstood(0xAF, 4, false) = $0 { return true } else { return false } })
    }
}
