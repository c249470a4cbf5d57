import Testing
import VirtualTime
@testable import NORFlash

@Suite("The part catalog: every entry found by name and ID, identified, programmed, described by SFDP")
struct CatalogTests {
    static let issueParts = [
        "IS25LP512M", "IS25WP512M", "IS25LP128F", "IS25LP256D", "W25Q32JV", "W25Q64JV", "W25Q128JV", "W25Q256JV",
        "W25Q512JV", "MT25QL128ABA", "MT25QL256ABA", "MT25QL512ABB", "MX25L25645G", "MX25L51245G", "MX25LM51245G",
        "S25FL256L",
    ]

    @Test("every part the issue names is in the catalog, by name in any case", arguments: issueParts)
    func byName(_ name: String) throws {
        let part = try #require(FlashPart.part(named: name.lowercased()))
        #expect(part.name == name)
    }

    @Test("part(jedecID:) answers each part, and the monolithic MT25QL512ABB before the stacked N25Q512A")
    func byID() {
        for part in FlashPart.all {
            let found = FlashPart.part(jedecID: part.jedecID)
            if part.name == "N25Q512A" {
                #expect(found?.name == "MT25QL512ABB")
                #expect(FlashPart.parts(jedecID: part.jedecID).map(\.name) == ["MT25QL512ABB", "N25Q512A"])
            } else {
                #expect(found?.name == part.name)
            }
        }
    }

    @Test("RDID 9Fh returns each part's three ID bytes", arguments: FlashPart.all.map(\.name))
    func jedecID(_ name: String) throws {
        let part = try #require(FlashPart.part(named: name))
        let bench = Bench(NORFlash(part: part))
        #expect(bench.send(Tx.readRegister(0x9F, count: 3)) == part.jedecID)
    }

    @Test("SFDP: signature, density, erase types and QE requirement match the entry", arguments: FlashPart.all.map(\.name))
    func sfdp(_ name: String) throws {
        let part = try #require(FlashPart.part(named: name))
        let bench = Bench(NORFlash(part: part))
        let table = bench.send(Tx.read(0x5A, 0, count: 0x70, dummy: 8))
        #expect(Array(table[0..<4]) == Array("SFDP".utf8))
        func dword(_ n: Int) -> UInt32 {
            let o = 0x30 + 4 * (n - 1)
            return UInt32(table[o]) | UInt32(table[o + 1]) << 8 | UInt32(table[o + 2]) << 16 | UInt32(table[o + 3]) << 24
        }
        #expect(dword(2) == UInt32(part.size * 8 - 1))
        let d8 = dword(8), d9 = dword(9)
        let exponents: [UInt32] = [d8 & 0xFF, (d8 >> 16) & 0xFF, d9 & 0xFF, (d9 >> 16) & 0xFF]
        let types: [Int] = exponents.filter { $0 != 0 }.map { 1 << Int($0) }
        #expect(types == part.eraseSizes)
        let qer = (dword(15) >> 20) & 0b111
        switch part.traits.quadEnable {
        case .notRequired: #expect(qer == 0)
        case .bit(0, 0x40): #expect(qer == 0b010)
        case .bit(1, 0x02): #expect(qer == 0b100 || qer == 0b101)
        default: Issue.record("unexpected QE location")
        }
        #expect((dword(11) >> 4) & 0xF == 8, "256-byte pages")
    }

    @Test("each part erases, programs and reads back its last page with the opcodes its size needs",
          arguments: FlashPart.all.map(\.name))
    func programLastPage(_ name: String) throws {
        let part = try #require(FlashPart.part(named: name))
        let bench = Bench(NORFlash(part: part, content: .bytes([UInt8](repeating: 0, count: 16))))
        let large = part.size > 16 << 20
        let page = UInt32(part.size - 256)
        let data = pattern(256, seed: 3)
        // Clear any pending stacked-die flag status poll between operations.
        func poll() { bench.waitUntilReady(); _ = bench.send(Tx.readRegister(0x70)) }
        bench.writeEnable()
        bench.send(Tx.addressed(large ? 0x21 : 0x20, page, addressSize: large ? 4 : 3))
        poll()
        bench.writeEnable()
        bench.send(Tx.program(large ? 0x12 : 0x02, page, data, addressSize: large ? 4 : 3))
        poll()
        let back = bench.send(Tx.read(large ? 0x13 : 0x03, page, count: 256, addressSize: large ? 4 : 3))
        #expect(back == data)
        #expect(!bench.has { if case .refusedWithoutWriteEnable = $0 { return true } else { return false } })
    }

    @Test("a 3-byte address on a 3-byte-only part never reaches past 16 MiB; a 64 MiB part's EAR/bank does")
    func extendedAddressRegister() {
        let bench = Bench(NORFlash(part: .w25q512jv))
        bench.writeEnable()
        bench.send(Tx.writeRegister(0xC5, [0x02]))
        bench.program(0x02, 0x10, [0x5A])
        #expect(bench.flash.read(address: 0x0200_0010, count: 1) == [0x5A])
        #expect(bench.send(Tx.readRegister(0xC8)) == [0x02])
    }
}
