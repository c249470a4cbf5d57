import ArgumentParser
import Board
import Foundation
import LoaderFile

/// `loaderlab make-loader --board BOARD.json --output NAME.stldr [--from BASE.stldr]`: the
/// LoaderLab loader rewired for another board, without writing firmware.
struct MakeLoaderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "make-loader",
        abstract: "Write a loader for a board (any STM32U5, any catalog quad part or Macronix octal part, any wiring) by patching the LoaderLab loader's BoardConfig block and StorageInfo.",
        discussion: """
            The board file is validated against the STM32U5G7 OCTOSPIM pin table; the output's \
            DeviceName is its file stem. Exit status: 0 when the loader was written, 1 when the \
            patched loader fails its checks, 2 when the board, the output name or the base loader \
            cannot be used (nothing is written then).
            """
    )

    @Option(help: "The board description (JSON, see docs/boards.md).")
    var board: String

    @Option(help: "The loader to write; must end in .stldr. Its stem becomes StorageInfo.DeviceName.")
    var output: String

    @Option(help: "The LoaderLab loader to start from (built by `bash Firmware/build.sh`; default: \(LoaderPatcher.defaultBasePath) for a quad board, \(LoaderPatcher.octalBasePath) for an octal one).")
    var from: String?

    func run() throws {
        let status = execute(
            output: { print($0, terminator: "") },
            diagnostics: { FileHandle.standardError.write(Data($0.utf8)) }
        )
        if status != 0 { throw ExitCode(status) }
    }

    /// Does the work, writing the summary to `output` and refusals to `diagnostics`; returns
    /// the exit status. Tests call this with capturing closures.
    func execute(output write: (String) -> Void, diagnostics: (String) -> Void) -> Int32 {
        let file: OutputFile
        do { file = try OutputFile(checking: output) } catch {
            diagnostics("\(output): cannot write the loader: \(error.reason)\n")
            return 2
        }
        let described: Board
        do {
            described = try BoardArgument.load(board)
        } catch let error as FileAccessError {
            diagnostics("\(board): cannot read the board description: \(error.reason)\n")
            return 2
        } catch let error as BoardError {
            diagnostics(error.description + "\n")
            return 2
        } catch {
            diagnostics("\(error)\n")
            return 2
        }
        let base = from ?? LoaderPatcher.defaultBasePath(for: described)
        let patched: PatchedLoader
        do {
            let patcher: LoaderPatcher
            do {
                patcher = try LoaderPatcher(basePath: base)
            } catch .baseUnreadable(.unreadable) where from == nil {
                diagnostics("\(base): cannot read the base loader; build it with `bash Firmware/build.sh` or pass --from\n")
                return 2
            }
            patched = try patcher.patch(board: described, outputName: output, boardFile: board)
        } catch {
            diagnostics(error.description + "\n")
            if case .lintErrors = error { return 1 }
            return 2
        }
        do { try file.store(patched.bytes) } catch {
            diagnostics("\(output): cannot write the loader: \(error.reason)\n")
            return 2
        }
        write(Self.summary(board: described, patched: patched, output: output, base: base))
        return 0
    }

    static func summary(board: Board, patched: PatchedLoader, output: String, base: String) -> String {
        let block = patched.boardConfig
        let info = patched.storageInfo
        let octal = block.flags & BoardConfigBlock.flagOctal != 0
        let pins = (zip(BoardConfigBlock.signalNames, block.pins).map { "\($0) \($1)" }
            + (octal ? zip(BoardConfigBlock.upperSignalNames, block.upperPins).map { "\($0) \($1)" } : [])).joined(separator: ", ")
        let sysclk = Double(block.sysclkHz) / 1e6
        let flashClock = Double(block.sysclkHz) / Double(max(1, block.octospiDivider)) / 1e6
        var lines = [
            "\(output): \(patched.bytes.count) bytes from \(base) for board \"\(board.name)\" (\(board.mcu), \(board.flash))",
            "  pins                \(pins)",
            "  OCTOSPI             " + (block.flags & BoardConfigBlock.flagNoOCTOSPIM != 0
                ? "OCTOSPI1 on its own pins (\(board.mcu) has no OCTOSPIM)" : "OCTOSPI\(block.instance) on OCTOSPIM port \(block.port)"),
            "  clock               SYSCLK \(Self.mhz(sysclk)) MHz, divider \(block.octospiDivider): flash clock \(Self.mhz(flashClock)) MHz",
            "  DeviceName          \"\(info.deviceName)\"",
            "  DeviceStartAddress  \(Self.address(info.deviceStartAddress))",
            "  DeviceSize          \(Self.address(info.deviceSize)) (\(board.flash), \(info.sectors.first.map { "\($0.count) sectors of 0x\(String($0.size, radix: 16, uppercase: true))" } ?? "no sectors"))",
            "  BoardConfig         v\(block.version) at file offset 0x\(String(patched.boardConfigRange.lowerBound, radix: 16, uppercase: true)), CRC-32 0x\(Self.hex8(block.crc))",
        ]
        for finding in patched.findings {
            lines.append(finding.rendered(file: (output as NSString).lastPathComponent))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func mhz(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.3f", value)
    }

    private static func hex8(_ value: UInt32) -> String {
        let text = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: 8 - text.count) + text
    }

    private static func address(_ value: UInt32) -> String {
        let text = String(value, radix: 16, uppercase: true)
        let padded = String(repeating: "0", count: 8 - text.count) + text
        return "0x" + padded.prefix(4) + "_" + padded.suffix(4)
    }
}
