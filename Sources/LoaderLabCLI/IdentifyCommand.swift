import ArgumentParser
import Board
import Foundation
import LoaderFile
import Programmer

/// `loaderlab identify LOADER [--json] [--write-board FILE] [--mcu NAME]`: what board is
/// this loader for?
struct IdentifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "identify",
        abstract: "Run a loader's Init on a permissive board of the STM32U5 family and report the wiring, clocks and flash it expects.",
        discussion: """
            Init runs first with the default part (IS25LP512M), then with every catalog part; the \
            report lists the clocks it enabled, each pin with its AF and signal, the OCTOSPI and \
            OCTOSPIM port, SYSCLK and the flash clock, the commands it sent, the ID it read, and \
            the parts on which Init returns non-zero. Exit status: 0 at least one part fits, 1 none \
            does, 2 bad input.
            """
    )

    @Argument(help: "The external loader (.stldr).")
    var loader: String

    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    @Option(name: .customLong("write-board"), help: "Write a board file for this loader (schema 2) that program --board accepts.")
    var writeBoard: String?

    @Option(help: "The STM32U5 family member (default: inferred from the loader).")
    var mcu: String?

    func validate() throws {
        if let mcu, MCUDescription.named(mcu) == nil {
            throw ValidationError("--mcu \(mcu) is not an STM32U5 family member; expected one of " + MCUDescription.allMembers.joined(separator: ", "))
        }
    }

    func run() throws {
        let file: LoaderFile
        do { file = try LoaderFile(path: loader) } catch {
            FileHandle.standardError.write(Data("loaderlab: \(error)\n".utf8))
            throw ExitCode(2)
        }
        let result = LoaderIdentifier.identify(loader: file, mcu: mcu)
        print(json ? result.json() : result.text(), terminator: json ? "\n" : "")
        if let writeBoard {
            guard let board = result.board else {
                FileHandle.standardError.write(Data("loaderlab: no board written: \(result.boardProblem ?? "no wiring found")\n".utf8))
                throw ExitCode(1)
            }
            do {
                try board.jsonText().write(toFile: writeBoard, atomically: true, encoding: .utf8)
            } catch {
                FileHandle.standardError.write(Data("loaderlab: cannot write \(writeBoard): \(error.localizedDescription)\n".utf8))
                throw ExitCode(2)
            }
            if !json { print("  wrote           \(writeBoard)") }
        }
        if result.fits.isEmpty { throw ExitCode(1) }
    }
}
