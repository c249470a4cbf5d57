import ArgumentParser
import Board
import Foundation
import NORFlash

/// `loaderlab boards`: the built-in boards, the MCUs and the flash parts the lab knows.
struct BoardsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "boards",
        abstract: "List the built-in boards (for --board), the STM32U5 family members and the catalog flash parts."
    )

    func run() throws {
        print(Self.listing(), terminator: "")
    }

    static func listing() -> String {
        var out = "Built-in boards (--board NAME):\n"
        for b in BuiltInBoards.all {
            let pins = FlashSignal.allCases.compactMap { s in b.pins[s].map { "\(s) \($0.pin)" } }.joined(separator: ", ")
            out += "  \(b.name.padding(toLength: 32, withPad: " ", startingAt: 0)) \(b.mcu), \(b.flash), OCTOSPI\(b.octospi.instance) port \(b.octospi.port)"
                + (b.isOctal ? ", octal" : ", quad") + ": \(pins)\n"
        }
        out += "\nMCUs (\"mcu\" in a board file):\n"
        for line in MCUDescription.family {
            let ram = line.programmerRAM
            out += "  \(line.members.joined(separator: ", ").padding(toLength: 44, withPad: " ", startingAt: 0)) RAM \(ram.size / 1024) KiB at 0x2000_0000, flash \(line.internalFlashBytes / 1024) KiB, "
                + line.octospiInstances.map { "OCTOSPI\($0)" }.joined(separator: "+") + (line.hasOCTOSPIM ? " via OCTOSPIM" : " (no OCTOSPIM)")
                + (line.hasHSPI1 ? ", HSPI1 (not modelled)" : "") + "\n"
        }
        out += "\nFlash parts (\"flash\" in a board file):\n"
        var seen: Set<String> = []
        for part in FlashPart.all where seen.insert(part.name.uppercased()).inserted {
            out += "  \(part.description) \(part.size >> 20) MiB\n"
        }
        return out
    }
}
