import ArgumentParser
import Board
import ELF
import FirmwareImage
import Foundation
import LoaderFile
import NORFlash
import Programmer
import VirtualTime

/// `loaderlab program`: a STM32CubeProgrammer download in simulation, with the root cause
/// of a failure named.
struct ProgramCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "program",
        abstract: "Program an image through a .stldr loader on the simulated board, as STM32CubeProgrammer does, and report why it fails.",
        discussion: "Exit status: 0 programmed and verified, 1 the session failed, 2 bad input (including a loader the programmer cannot load)."
    )

    @Argument(help: "The image: Intel HEX, S-record, ELF, or raw binary (with --load-address).")
    var image: String

    @Option(help: "The external loader (.stldr).")
    var loader: String

    @Option(help: "A built-in board's name (loaderlab boards) or a board description file (JSON).")
    var board: String = Board.defaultBoard.name

    @Flag(help: "Print the report as JSON (for CI).")
    var json = false

    @Option(help: "Write every hardware event of the session to this file.")
    var trace: String?

    @Option(name: .customLong("initial-flash"), help: "What the flash holds at the start: erased, previous (an earlier firmware), or a file.")
    var initialFlash: String = "previous"

    @Option(help: "Read-back: memory-mapped (over the debug port, as for NOR_FLASH) or loader (its Verify).")
    var verify: String = "memory-mapped"

    @Option(name: .customLong("load-address"), help: "Base address of a raw binary image (e.g. 0x90000000).")
    var loadAddress: String?

    @Option(name: .customLong("chunk-size"), help: "Bytes per Write call (default 0x10700, as the programmer uses).")
    var chunkSize: ByteCount = ByteCount(0x10700)

    @Flag(name: .customLong("full-chip-erase"), help: "Erase with MassErase instead of the sectors the image touches.")
    var fullChipErase = false

    @Option(name: .customLong("flash-timing"), help: "Flash busy times: typical or maximum (datasheet).")
    var flashTiming: String = "typical"

    @Option(name: .customLong("leftover"), help: "A mode an earlier run left the flash in: qpi or 4-byte (repeatable).")
    var leftovers: [String] = []

    @Option(name: .customLong("init-timeout"), help: "Device-time limit of each Init call, in seconds.")
    var initTimeout: Double = 30

    @Option(name: .customLong("write-timeout"), help: "Device-time limit of each Write call, in seconds.")
    var writeTimeout: Double = 60

    @Option(name: .customLong("erase-timeout"), help: "Device-time limit of each SectorErase call, in seconds, plus 1.5 s per 64 KiB it covers.")
    var eraseTimeout: Double = 30

    @Option(help: "Inject a flash failure: program-error, erase-error, stuck-busy, power-loss@N (during program/erase N+1) or bit-flip@ADDR (device offset).")
    var inject: String?

    @Option(name: .customLong("mass-erase-timeout"), help: "Device-time limit of MassErase, in seconds.")
    var massEraseTimeout: Double = 600

    @OptionGroup var debug: DebugOptions

    func validate() throws {
        try debug.validate()
        guard VerifyMode(rawValue: verify) != nil else {
            throw ValidationError("--verify must be memory-mapped or loader, not '\(verify)'")
        }
        if let loadAddress, Self.parseAddress(loadAddress) == nil {
            throw ValidationError("--load-address '\(loadAddress)' is not an address like 0x90000000")
        }
        guard (1...(16 << 20)).contains(chunkSize.value) else {
            throw ValidationError("--chunk-size must be 1 byte to 16 MiB")
        }
        guard ["typical", "maximum"].contains(flashTiming) else {
            throw ValidationError("--flash-timing must be typical or maximum, not '\(flashTiming)'")
        }
        if let inject, FlashFault(parsing: inject) == nil {
            throw ValidationError("--inject must be \(FlashFault.syntax), not '\(inject)'")
        }
        for leftover in leftovers where !["qpi", "4-byte"].contains(leftover) {
            throw ValidationError("--leftover must be qpi or 4-byte, not '\(leftover)'")
        }
        for (name, value) in [("init", initTimeout), ("write", writeTimeout), ("erase", eraseTimeout), ("mass-erase", massEraseTimeout)]
        where !(value > 0 && value <= 86_400) {
            throw ValidationError("--\(name)-timeout must be more than 0 and at most 86400 seconds")
        }
    }

    static func parseAddress(_ text: String) -> UInt32? {
        let t = text.lowercased().replacingOccurrences(of: "_", with: "")
        return t.hasPrefix("0x") ? UInt32(t.dropFirst(2), radix: 16) : UInt32(t)
    }

    func run() throws {
        func bad(_ problem: BadInput) -> ExitCode {
            problem.report(json: json)
            return ExitCode(2)
        }
        // Output paths first: a bad --trace must not cost a whole session, nor replace a link or device.
        let traceFile: OutputFile?
        do { traceFile = try trace.map { path throws(FileAccessError) in try OutputFile(checking: path) } } catch {
            throw bad(BadInput(error: "cannot write the trace: \(error.reason)", file: error.path))
        }
        let boardValue: Board
        do {
            boardValue = try BoardArgument.load(board)
        } catch let error as FileAccessError {
            throw bad(BadInput(error: "cannot read the board description: \(error.reason)", file: board))
        } catch let error as BoardError {
            throw bad(BadInput(board: error, file: board))
        } catch {
            throw bad(BadInput(error: "\(error)", file: board))
        }
        let loaderFile: LoaderFile
        do {
            loaderFile = try LoaderFile(bytes: InputFile.read(loader, limit: FileReading.loaderLimit), name: (loader as NSString).lastPathComponent)
        } catch let error as FileAccessError {
            throw bad(BadInput(error: error.reason, file: loader))
        } catch let error as LoaderFileError {
            throw bad(BadInput(loader: error, file: loader))
        } catch {
            throw bad(BadInput(error: "\(error)", file: loader))
        }
        let firmware: FirmwareImage
        do {
            let bytes = try InputFile.read(image, limit: FileReading.imageLimit)
            // --load-address says "raw binary" for a file whose content and name say nothing.
            let format = ImageFormat.detect(bytes: bytes, name: image) ?? (loadAddress != nil ? .binary : nil)
            if loadAddress != nil, let format, format != .binary {
                throw BadInput(error: "--load-address applies to raw binary images; this is \(format), whose records carry their own addresses", file: image)
            }
            firmware = try FirmwareImage(bytes: bytes, name: image, format: format, baseAddress: loadAddress.flatMap(Self.parseAddress))
        } catch let error as FileAccessError {
            throw bad(BadInput(error: error.reason, file: image))
        } catch let error as FirmwareImageError {
            throw bad(BadInput(image: error))
        } catch let error as BadInput {
            throw bad(error)
        } catch {
            throw bad(BadInput(error: "\(error)", file: image))
        }

        var options = SessionOptions()
        options.board = boardValue
        options.verify = VerifyMode(rawValue: verify) ?? .memoryMapped
        options.chunkSize = chunkSize.value
        options.fullChipErase = fullChipErase
        options.flashTiming = flashTiming == "maximum" ? .maximum : .typical
        for leftover in leftovers { options.leftoverFlashModes.insert(leftover == "qpi" ? .qpi : .fourByteAddressing) }
        if let why = options.leftoverFlashModes.inapplicable(to: FlashPart.part(named: boardValue.flash) ?? .is25lp512m) {
            throw bad(BadInput(error: "--leftover: \(why)", file: board))
        }
        options.timeouts.initialize = .seconds(initTimeout)
        options.timeouts.write = .seconds(writeTimeout)
        options.timeouts.sectorErase = .seconds(eraseTimeout)
        options.timeouts.massErase = .seconds(massEraseTimeout)
        options.fault = inject.flatMap(FlashFault.init(parsing:))
        switch initialFlash {
        case "erased": options.initialFlash = .erased
        case "previous": options.initialFlash = .previousFirmware(seed: 0x1_5EED)
        default:
            let size = (FlashPart.part(named: boardValue.flash) ?? .is25lp512m).size
            let bytes: [UInt8]
            do { bytes = try InputFile.read(initialFlash, limit: size) } catch {
                // Larger than the device: refused, with its size and the device's.
                throw bad(BadInput(error: error.reason, file: initialFlash))
            }
            if bytes.count != size {
                // A dump of the first sectors is useful; say what the rest holds rather than take it silently.
                FileHandle.standardError.write(Data("loaderlab: \(initialFlash): warning: --initial-flash is \(bytes.count) bytes; the \(boardValue.flash) holds \(size): the rest starts erased (FFh)\n".utf8))
            }
            options.initialFlash = .bytes(bytes)
        }

        let session: ProgrammerSession
        do {
            session = try ProgrammerSession(loader: loaderFile, image: firmware, imageName: (image as NSString).lastPathComponent, options: options)
        } catch {
            throw bad(BadInput(session: error, loader: loader, image: image))
        }
        if let problem = HostResources.emulatorAddressSpaceProblem() {
            throw bad(BadInput(error: problem, file: nil, location: "host"))
        }
        // The trace streams to the file while the session runs: a full chip is millions of lines.
        var sink: TraceSink?
        if let traceFile {
            do { sink = try TraceSink(path: traceFile.resolved) } catch {
                throw bad(BadInput(error: "cannot write the trace: \(error.localizedDescription)", file: traceFile.path))
            }
        }
        let report: SessionReport
        if debug.isRequested {
            // Under the debugger's hooks the host runs slower: give those runs' host guard room.
            var debugOptions = options
            debugOptions.hostSecondsPerCall *= DebugOptions.hostGuardFactor
            let debugged = try? ProgrammerSession(loader: loaderFile, image: firmware, imageName: session.imageName, options: debugOptions)
            report = try debug.run(session, debugged: debugged ?? session) { bad(BadInput(error: $0, file: nil)) }
        } else {
            let bar = ProgressBar(enabled: !json && isatty(STDERR_FILENO) != 0)
            report = session.run(progress: { bar.update($0) }, traceSink: sink)
            bar.finish()
        }
        sink?.flush()
        print(json ? report.json() : report.text())
        if report.loaderCannotBeLoaded { throw ExitCode(2) }
        if !report.succeeded { throw ExitCode(1) }
    }
}

/// A one-line progress bar on a terminal's stderr; silent elsewhere.
final class ProgressBar {
    let enabled: Bool
    var last = ""

    init(enabled: Bool) { self.enabled = enabled }

    func update(_ p: SessionProgress) {
        guard enabled, p.total > 0 else { return }
        let width = 40
        let filled = width * p.done / p.total
        let line = "\r\(p.operation.padding(toLength: 8, withPad: " ", startingAt: 0)) [" + String(repeating: "=", count: filled)
            + String(repeating: " ", count: width - filled) + "] \(100 * p.done / p.total)%"
        guard line != last else { return }
        last = line
        FileHandle.standardError.write(Data(line.utf8))
    }

    func finish() {
        guard enabled, !last.isEmpty else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
