import Testing
import VirtualTime
import NORFlash

/// Uses only the public API, the way the OCTOSPI model and the session will.
@Suite("Public API as another module sees it")
struct PublicAPITests {
    @Test("a controller can drive the flash, poll its busy end and read the trace")
    func controllerView() {
        var nv = FlashRegisters()
        nv.status = FlashRegisters.qe
        let flash = NORFlash(part: .is25lp512m, content: .erased, timing: .maximum, nonVolatile: nv)
        flash.currentPC = 0x2000_0101
        _ = flash.exchange(SPITransaction(instruction: 0x06), at: .microseconds(1))
        _ = flash.exchange(SPITransaction(instruction: 0x34, address: 0x0200_0000, addressSize: 4,
                                          direction: .write([1, 2, 3]), dataFormat: .quad), at: .microseconds(2))
        #expect(flash.nextSelfTimedChange == .microseconds(802))
        flash.settle(at: .microseconds(802))
        #expect(!flash.isBusy)
        #expect(flash.read(address: 0x0200_0000, count: 3) == [1, 2, 3])
        #expect(flash.changedRanges(since: .zero) == [0x0200_0000..<0x0200_0003])
        #expect(flash.events.allSatisfy { $0.pc == 0x2000_0101 })
        let decoded = DecodedCommand(opcode: 0x34, name: "Quad Input Page Program 4B", sentAddress: 0x0200_0000,
                                     effectiveAddress: 0x0200_0000, bank: nil, instructionLines: 1, addressLines: 1,
                                     dataLines: 4, dataBytes: 3)
        #expect(flash.events.map(\.event).contains(.commandDecoded(decoded)))
        #expect(FlashPart.part(named: "is25lp512m")?.jedecID == [0x9D, 0x60, 0x1A])
    }
}
