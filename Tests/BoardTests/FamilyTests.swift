import Foundation
import NORFlash
import Testing
import TestSupport
@testable import Board

/// The STM32U5 family as data, and board schema 2 over it.
@Suite struct FamilyTests {
    static var vendor: URL { Repository.root.deletingLastPathComponent().appendingPathComponent("shared/vendor/stm32u5/cmsis-device-u5/Include") }

    /// `#define NAME (0x…UL)` from an ST device header.
    static func define(_ name: String, in header: String) -> UInt32? {
        guard let text = try? String(contentsOf: vendor.appendingPathComponent(header), encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("#define \(name) ") {
            if let r = line.range(of: #"0x[0-9A-Fa-f]+"#, options: .regularExpression) { return UInt32(line[r].dropFirst(2), radix: 16) }
        }
        return nil
    }

    @Test("RAM, internal flash and instances agree with ST's device headers (stm32u545xx.h, stm32u5a9xx.h, stm32u5g7xx.h)",
          .enabled(if: FileManager.default.fileExists(atPath: vendor.path)),
          arguments: [("stm32u545xx.h", "STM32U545"), ("stm32u5a9xx.h", "STM32U5A9"), ("stm32u5g7xx.h", "STM32U5G7")])
    func agreesWithTheHeaders(header: String, member: String) throws {
        let mcu = try #require(MCUDescription.named(member))
        for region in mcu.ram {
            #expect(Self.define("\(region.name)_SIZE", in: header) == region.size, "\(member) \(region.name) size")
            #expect(Self.define("\(region.name)_BASE_NS", in: header) == region.base, "\(member) \(region.name) base")
        }
        for n in 1...6 where !mcu.ram.contains(where: { $0.name == "SRAM\(n)" }) {
            #expect(Self.define("SRAM\(n)_SIZE", in: header) == nil, "\(member) has no SRAM\(n)")
        }
        #expect(Self.define("FLASH_SIZE_DEFAULT", in: header) == mcu.internalFlashBytes)
        let text = try String(contentsOf: Self.vendor.appendingPathComponent(header), encoding: .utf8)
        #expect(text.contains("#define OCTOSPI2 ") == mcu.octospiInstances.contains(2))
        #expect(text.contains("#define OCTOSPIM ") == mcu.hasOCTOSPIM)
        #expect(text.contains("#define HSPI1 ") == mcu.hasHSPI1)
        #expect(text.contains("#define DLYB_OCTOSPI2 ") == mcu.delayBlocks.contains(2))
    }

    @Test("Every member name resolves to its line; part numbers with package suffixes too")
    func memberNames() {
        #expect(MCUDescription.named("STM32U545")?.line == "STM32U535/U545")
        #expect(MCUDescription.named("stm32u5a9njh6q")?.line == "STM32U595/U599/U5A5/U5A9")
        #expect(MCUDescription.named("U5G7")?.line == "STM32U5F7/U5F9/U5G7/U5G9")
        #expect(MCUDescription.named("STM32H743") == nil)
        #expect(MCUDescription.stm32u535.programmerRAM.size == 0x4_0000)
        #expect(MCUDescription.stm32u595.programmerRAM.size == 0x27_0000)
        #expect(MCUDescription.stm32u5f7.programmerRAM.size == 0x2F_0000)
    }

    @Test("The largest-package tables carry every OCTOSPIM signal on both ports; the U545 has OCTOSPI1's own pins only")
    func pinTables() {
        let big = MCUDescription.stm32u595
        for port in [1, 2] {
            for signal in FlashSignal.allCases {
                #expect(!big.pins(port: port, signal: signal).isEmpty, "port \(port) \(signal)")
            }
        }
        #expect(big.alternateFunction(port: 1, signal: .clk, pin: Pin("PF10")!) == 3)
        #expect(big.alternateFunction(port: 1, signal: .io7, pin: Pin("PC0")!) == 3)
        #expect(big.alternateFunction(port: 2, signal: .clk, pin: Pin("PF4")!) == 5)
        #expect(MCUDescription.stm32u535.ports == [1])
        #expect(MCUDescription.stm32u535.alternateFunction(port: 1, signal: .ncs, pin: Pin("PA0")!) == 10, "port-2 NCS elsewhere, OCTOSPI1_NCS here")
    }

    @Test("Every built-in board validates; the four that are files in Boards/ equal them")
    func builtInBoards() throws {
        for board in BuiltInBoards.all { try board.validate(file: board.name) }
        for name in ["stm32u5g7-is25lp512m", "stm32u5g7-is25lp512m-alt-pins", "stm32u5g7-is25lp512m-porte", "stm32u5g7-is25lp512m-octospi2"] {
            let file = try Board.load(path: Repository.path("Boards/\(name).json"))
            #expect(BuiltInBoards.named(name) == file, "\(name)")
        }
        #expect(try Board.resolve("stm32u5a9-mx25lm51245g").isOctal)
    }

    static let octalJSON = #"""
        {"schema":2,"name":"dk","mcu":"STM32U5A9","flash":"MX25LM51245G","octospi":{"instance":1,"port":1},
         "pins":{"ncs":{"pin":"PA2","af":10},"clk":{"pin":"PF10","af":3},"dqs":{"pin":"PA1","af":10},
                 "io0":{"pin":"PF8","af":10},"io1":{"pin":"PF9","af":10},"io2":{"pin":"PA7","af":10},"io3":{"pin":"PA6","af":10},
                 "io4":{"pin":"PC1","af":10},"io5":{"pin":"PC2","af":10},"io6":{"pin":"PC3","af":10},"io7":{"pin":"PC0","af":3}},
         "clock":{"sysclkHz":160000000,"octospiDivider":2}}
        """#

    @Test("Schema 2: an octal board on port 1 with DQS reads; IO4-IO7 are all or none")
    func schema2Octal() throws {
        let board = try Board.decode(Data(Self.octalJSON.utf8), file: "dk.json")
        #expect(board.isOctal && board.pins[.dqs]?.pin == Pin("PA1"))
        let partial = Self.octalJSON.replacingOccurrences(of: #""io6":{"pin":"PC3","af":10},"#, with: "")
        #expect(throws: BoardError.missingPin(file: "p.json", signal: .io6)) { try Board.decode(Data(partial.utf8), file: "p.json") }
        let schema1 = Self.octalJSON.replacingOccurrences(of: #""schema":2"#, with: #""schema":1"#)
        #expect(throws: BoardError.self) { try Board.decode(Data(schema1.utf8), file: "s1.json") }
    }

    @Test("Schema 2 refuses what the member lacks: OCTOSPI2 or port 2 on a U545, an unknown part")
    func schema2Refusals() {
        var u545 = BuiltInBoards.named("stm32u545-w25q128jv")!
        u545.octospi.instance = 2
        #expect(throws: BoardError.self) { try u545.validate(file: "a.json") }
        u545.octospi = .init(instance: 1, port: 2)
        #expect(throws: BoardError.self) { try u545.validate(file: "b.json") }
        var unknown = Board.defaultBoard
        unknown.flash = "W25X40"
        do {
            try unknown.validate(file: "c.json")
            Issue.record("accepted an unknown part")
        } catch {
            #expect(error.description.contains("W25Q512JV") && error.description.contains("MX25LM51245G"))
        }
    }

    @Test("A port-2 quad board exists on the big packages: CLK PF4, NCS PI5, IO0-IO3 PF0-PF3 (AF5)")
    func port2Quad() throws {
        let board = Board(schema: 2, name: "p2", mcu: "STM32U585", flash: "MT25QL128ABA", octospi: .init(instance: 2, port: 2),
                          pins: [.clk: .init(pin: Pin("PF4")!, af: 5), .ncs: .init(pin: Pin("PI5")!, af: 5), .io0: .init(pin: Pin("PF0")!, af: 5),
                                 .io1: .init(pin: Pin("PF1")!, af: 5), .io2: .init(pin: Pin("PF2")!, af: 5), .io3: .init(pin: Pin("PF3")!, af: 5)],
                          clock: .init(sysclkHz: 160_000_000, octospiDivider: 2))
        try board.validate(file: "p2.json")
    }
}
