import NORFlash
import Testing
@testable import Programmer

/// `--leftover qpi` and `--leftover 4-byte`: the flash as an earlier run left it, entered with
/// each part's own commands. Winbond's Enter QPI is 38h (35h reads its status register 2 and
/// changes nothing); a part with no QPI mode cannot be left in it.
@Suite("Leftover flash modes use each part's own commands")
struct LeftoverModeTests {
    static let partsWithQPI = FlashPart.all.filter { $0.commands.contains { $0.operation == .enterQPI } }

    @Test("every catalog part with an Enter QPI command is in QPI after the leftover", arguments: partsWithQPI.map(\.name))
    func qpiEnteredWithThePartsOwnOpcode(name: String) throws {
        let flash = NORFlash(part: try #require(FlashPart.part(named: name)))
        FlashLeftovers.qpi.apply(to: flash)
        #expect(flash.isQPI, "\(name): the leftover did not reach QPI")
        #expect(flash.events.isEmpty, "the setup's own commands belong to no loader call")
        #expect(FlashLeftovers.qpi.inapplicable(to: flash.part) == nil)
    }

    @Test("W25Q512JV: QPI is entered with 38h, with the non-volatile QE bit (SR2 bit 1) set first, and WEL left clear")
    func winbondQPI() {
        let flash = NORFlash(part: .w25q512jv)
        #expect(flash.part.commands.first { $0.operation == .enterQPI }?.opcode == 0x38)
        FlashLeftovers.qpi.apply(to: flash)
        #expect(flash.isQPI)
        #expect(flash.registers[status: 1] & 0x02 != 0)
        #expect(!flash.registers.writeEnableLatch)
        #expect(!flash.isBusy)
    }

    @Test("MX25LM51245G has no QPI mode: the leftover is refused with the part's name and changes nothing")
    func octalPartHasNoQPI() throws {
        let flash = NORFlash(part: .mx25lm51245g)
        let why = try #require(FlashLeftovers.qpi.inapplicable(to: flash.part))
        #expect(why.contains("MX25LM51245G") && why.contains("QPI"))
        FlashLeftovers.qpi.apply(to: flash)
        #expect(!flash.isQPI && flash.octalMode == .spi)
    }

    @Test("MT25QL512ABB: 4-byte mode needs WEL for B7h; the leftover sets it, enters 4-byte mode and leaves WEL clear")
    func micronFourByte() {
        let flash = NORFlash(part: .mt25ql512abb)
        FlashLeftovers.fourByteAddressing.apply(to: flash)
        #expect(flash.registers.extendedAddressing)
        #expect(!flash.registers.writeEnableLatch)
    }
}
