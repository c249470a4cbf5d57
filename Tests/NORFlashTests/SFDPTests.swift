import Testing
import VirtualTime
@testable import NORFlash

@Suite("SFDP, RDSFDP 5Ah (reference §A.1)")
struct SFDPTests {
    func sfdp(_ address: UInt32, _ count: Int) -> [UInt8] {
        Bench().send(Tx.read(0x5A, address, count: count, dummy: 8))
    }

    func dword(_ n: Int) -> UInt32 {
        let b = sfdp(UInt32(0x30 + 4 * (n - 1)), 4)
        return UInt32(b[0]) | UInt32(b[1]) << 8 | UInt32(b[2]) << 16 | UInt32(b[3]) << 24
    }

    @Test("the header reads SFDP, revision 1.6, two parameter headers")
    func header() {
        let h = sfdp(0, 8)
        #expect(Array(h[0..<4]) == Array("SFDP".utf8))
        #expect(h[4] == 0x06 && h[5] == 0x01)
        #expect(h[6] == 0x01)
    }

    @Test("the first parameter header points at a 16-DWORD BFPT at 0x30")
    func bfptHeader() {
        let p = sfdp(8, 8)
        #expect(p[0] == 0x00 && p[7] == 0xFF)
        #expect(p[3] == 16)
        #expect(p[4] == 0x30 && p[5] == 0 && p[6] == 0)
    }

    @Test("BFPT DWORD1 advertises 3-byte addressing only (ISSI quirk) and 4K erase with 20h")
    func dword1() {
        let d = dword(1)
        #expect((d >> 17) & 0b11 == 0b00)
        #expect((d >> 8) & 0xFF == 0x20)
        #expect(d & 0b11 == 0b01)
        #expect((d >> 21) & 1 == 1 && (d >> 22) & 1 == 1)
    }

    @Test("BFPT DWORD2 gives 512 Mbit as 0x1FFFFFFF")
    func density() { #expect(dword(2) == 0x1FFF_FFFF) }

    @Test("BFPT DWORD3 gives EBh with 4 wait + 2 mode clocks and 6Bh with 8 wait")
    func fastReads() {
        let d = dword(3)
        #expect((d >> 8) & 0xFF == 0xEB && d & 0x1F == 4 && (d >> 5) & 0x7 == 2)
        #expect(d >> 24 == 0x6B && (d >> 16) & 0x1F == 8)
    }

    @Test("BFPT DWORD8/9 give erase types 4K/20h, 32K/52h, 64K/D8h")
    func eraseTypes() {
        let d8 = dword(8), d9 = dword(9)
        #expect(d8 & 0xFF == 12 && (d8 >> 8) & 0xFF == 0x20)
        #expect((d8 >> 16) & 0xFF == 15 && d8 >> 24 == 0x52)
        #expect(d9 & 0xFF == 16 && (d9 >> 8) & 0xFF == 0xD8)
    }

    @Test("BFPT DWORD11 gives a 256-byte page")
    func pageSize() { #expect((dword(11) >> 4) & 0xF == 8) }

    @Test("BFPT DWORD16 still lists the 4-byte entry methods: B7h, bank register, 4-byte opcodes (Linux EN4B bits 24, 27, 29)")
    func fourByteEntry() { #expect(dword(16) >> 24 == 0b0010_1001) }

    @Test("without the quirk the same table says 3- or 4-byte")
    func withoutQuirk() {
        let part = FlashPart.is25lp512m
        let table = IS25LP512MSFDP.table(size: part.size, typical: part.typicalTimings, maximum: part.maximumTimings,
                                         quirks: FlashQuirks(sfdpAdvertisesThreeByteAddressOnly: false))
        #expect((table[0x32] >> 1) & 0b11 == 0b01)
    }
}
