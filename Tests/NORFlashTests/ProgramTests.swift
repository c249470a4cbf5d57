import Testing
import VirtualTime
@testable import NORFlash

@Suite("Page program (reference §A.2 256-byte pages, §A.3)")
struct ProgramTests {
    @Test("programming only clears bits: F0h then 3Ch leaves 30h")
    func bitClearing() {
        let bench = Bench()
        bench.program(0x02, 0x80, [0xF0])
        bench.program(0x02, 0x80, [0x3C])
        #expect(bench.flash.read(address: 0x80, count: 1) == [0x30])
    }

    @Test("previous firmware content is not blank, and programming over it ANDs")
    func programOverPreviousFirmware() {
        let flash = NORFlash(content: .previousFirmware(seed: 1))
        let old = flash.read(address: 0x1000, count: 4)
        #expect(old != [0xFF, 0xFF, 0xFF, 0xFF])
        #expect(NORFlash(content: .previousFirmware(seed: 1)).read(address: 0x1000, count: 4) == old)
        let bench = Bench(flash)
        bench.program(0x02, 0x1000, [0x5A, 0x5A, 0x5A, 0x5A])
        #expect(flash.read(address: 0x1000, count: 4) == old.map { $0 & 0x5A })
    }

    @Test("a program that runs past the page end wraps to the page start")
    func pageWrap() {
        let bench = Bench()
        let data = pattern(16)
        bench.program(0x02, 0x01F8, data)
        #expect(bench.flash.read(address: 0x01F8, count: 8) == Array(data[0..<8]))
        #expect(bench.flash.read(address: 0x0100, count: 8) == Array(data[8..<16]))
        #expect(bench.flash.read(address: 0x0200, count: 1) == [0xFF])
        #expect(bench.has { if case .pageWrapped(_, 0x100, 0xF8, 8) = $0 { return true } else { return false } })
    }

    @Test("more than 256 data bytes: only the last 256 are programmed")
    func longerThanPage() {
        let bench = Bench()
        let data = pattern(300)
        bench.program(0x02, 0x0300, data)
        #expect(bench.flash.read(address: 0x0300, count: 256) == Array(data[44..<300]))
        #expect(bench.has { if case .programLongerThanPage(_, 300, 256) = $0 { return true } else { return false } })
    }

    @Test("a quad input page program (32h) with QE=1 programs the data")
    func quadProgram() {
        let bench = Bench()
        bench.setQuadEnable()
        bench.writeEnable()
        bench.send(Tx.program(0x32, 0x40, [1, 2, 3], dataLines: 4))
        #expect(bench.flash.read(address: 0x40, count: 3) == [1, 2, 3])
    }

    @Test("sector erase 20h erases the 4 KiB sector that holds the address, nothing else")
    func sectorErase() {
        let bench = Bench(NORFlash(content: .previousFirmware(seed: 3)))
        let before = bench.flash.read(address: 0x2FFF, count: 1) + bench.flash.read(address: 0x4000, count: 1)
        bench.writeEnable()
        bench.send(Tx.addressed(0x20, 0x3456))
        bench.waitUntilReady()
        #expect(bench.flash.read(address: 0x3000, count: 4096).allSatisfy { $0 == 0xFF })
        #expect(bench.flash.read(address: 0x2FFF, count: 1) + bench.flash.read(address: 0x4000, count: 1) == before)
    }
}
