import Board
import Foundation
import LoaderFile
import NORFlash

/// `identify`: which board is this loader for? Its `Init` runs on a permissive board of the
/// family (every pin the MCU's table allows is routable, the flash answers however it is
/// wired), first with the default part, then with every catalog part; the wiring comes from
/// what the loader configured, and the board is confirmed by one more `Init` on it.
public struct LoaderIdentification: Sendable {
    public var loader: String
    public var deviceName: String?
    /// The family member the runs used, and why.
    public var mcu: String
    public var mcuReason: String
    /// `Init` with the default part (IS25LP512M): what the loader configured and read.
    public var firstProbe: InitProbe?
    /// `Init` with each catalog part.
    public var probes: [InitProbe]
    /// Catalog parts on which `Init` returns non-zero.
    public var fits: [String] { probes.filter(\.succeeded).map(\.part) }
    /// The part the written board names, and the probe its wiring comes from.
    public var chosenPart: String?
    public var wiring: InitProbe?
    public var board: Board?
    public var boardProblem: String?
    /// `Init` returned non-zero on `board` (strict wiring) with `chosenPart`.
    public var confirmed: Bool
}

public enum LoaderIdentifier {
    /// Runs the identification. `mcu` overrides the inference.
    public static func identify(loader: LoaderFile, mcu override: String? = nil, options base: SessionOptions = SessionOptions()) -> LoaderIdentification {
        let deviceName = loader.storageInfo?.deviceName
        let (member, reason) = override.flatMap { name in MCUDescription.named(name).map { _ in (name.uppercased(), "given with --mcu") } }
            ?? inferMCU(loader: loader, deviceName: deviceName)
        var options = base
        var permissiveBoard = Board(schema: 2, name: "identify", mcu: member, flash: Board.defaultBoard.flash,
                                    octospi: .init(instance: 1, port: 1), pins: [:], clock: Board.defaultBoard.clock)
        options.board = permissiveBoard
        options.diagnoseUninitializedRAM = false
        let session = ProgrammerSession(probing: loader, options: options)
        let defaultPart = FlashPart.part(named: Board.defaultBoard.flash) ?? FlashPart.all[0]
        let first = session.probeInit(board: permissiveBoard, part: defaultPart, permissive: true)
        var probes: [InitProbe] = []
        var seen: Set<String> = []
        for part in FlashPart.all where seen.insert(part.name.uppercased()).inserted {
            if part.name == defaultPart.name, let first { probes.append(first); continue }
            if let p = session.probeInit(board: permissiveBoard, part: part, permissive: true) { probes.append(p) }
        }
        var result = LoaderIdentification(loader: loader.name, deviceName: deviceName, mcu: member, mcuReason: reason,
                                          firstProbe: first, probes: probes, chosenPart: nil, wiring: nil, board: nil,
                                          boardProblem: nil, confirmed: false)
        let fitting = probes.filter(\.succeeded)
        let chosen = preferred(fitting, deviceName: deviceName ?? loader.name)
        result.chosenPart = chosen?.part
        let wiring = chosen ?? first
        result.wiring = wiring
        guard let wiring else {
            result.boardProblem = "the loader could not be run"
            return result
        }
        permissiveBoard.flash = chosen?.part ?? defaultPart.name
        switch makeBoard(from: wiring, mcu: member, part: permissiveBoard.flash, name: boardName(loader.name)) {
        case .success(let board):
            result.board = board
            if chosen != nil, let part = FlashPart.part(named: board.flash) {
                result.confirmed = session.probeInit(board: board, part: part, permissive: false)?.succeeded ?? false
            }
            if chosen == nil { result.boardProblem = "Init returned 0 with every catalog part: the board names \(board.flash) only as a placeholder" }
        case .failure(let why):
            result.boardProblem = why.text
        }
        return result
    }

    static func boardName(_ loaderName: String) -> String {
        let stem = (loaderName as NSString).deletingPathExtension
        return "identified-" + stem.lowercased().map { $0.isLetter || $0.isNumber ? String($0) : "-" }.joined()
    }

    /// The member a loader names ("…STM32U599…", "U5A9") or, failing that, the smallest line
    /// whose RAM holds the loader's segments.
    static func inferMCU(loader: LoaderFile, deviceName: String?) -> (String, String) {
        let text = ((deviceName ?? "") + " " + loader.name).uppercased()
        if let range = text.range(of: #"U5[0-9A-G][0-9]"#, options: .regularExpression) {
            let name = "STM32" + text[range]
            if MCUDescription.named(name) != nil {
                return (name, "named in the loader's \(deviceName?.uppercased().contains(String(text[range])) == true ? "DeviceName" : "file name")")
            }
        }
        let ends: [UInt64] = loader.loadSegments.map { UInt64($0.virtualAddress) + UInt64($0.memorySize) }
        let ramEnd: UInt64 = ends.filter { (v: UInt64) in v >= 0x2000_0000 && v < 0x2800_0000 }.max() ?? 0
        for line in MCUDescription.family where line.programmerRAM.end >= ramEnd + 0x400 {
            return (line.members[0], String(format: "not named by the loader; the smallest line whose RAM holds it (up to 0x%08llX); use --mcu to choose", ramEnd))
        }
        return (MCUDescription.stm32u5f7.members.last!, "not named by the loader and larger than every line's RAM")
    }

    /// Among the parts `Init` accepts, the one the loader's name mentions (longest common
    /// prefix with one of its words, at least 5 characters), else the first.
    static func preferred(_ fitting: [InitProbe], deviceName: String) -> InitProbe? {
        let words = deviceName.uppercased().split { !$0.isLetter && !$0.isNumber }.map(String.init)
        func score(_ part: String) -> Int {
            words.map { w in zip(w, part.uppercased()).prefix { $0 == $1 }.count }.max() ?? 0
        }
        let best = fitting.max { score($0.part) < score($1.part) }
        if let best, score(best.part) >= 5 { return best }
        return fitting.first
    }

    static func makeBoard(from probe: InitProbe, mcu: String, part: String, name: String) -> Result<Board, BoardIdentificationError> {
        var pins: [FlashSignal: Board.PinAssignment] = [:]
        for p in probe.pins where p.signal != .nclk { pins[p.signal] = .init(pin: p.pin, af: p.alternateFunction) }
        if !FlashSignal.upperData.allSatisfy({ pins[$0] != nil }) { for s in FlashSignal.upperData { pins[s] = nil } }
        if let missing = FlashSignal.quad.first(where: { pins[$0] == nil }) {
            return .failure(BoardIdentificationError(text: "the loader configured no pin for \(missing) (in alternate-function mode with an AF that carries it)"))
        }
        let sysclk = UInt32(clamping: min(max(probe.sysclkHz, 4_000_000), 160_000_000))
        let divider = probe.flashClockHz > 0 ? Int(min(256, max(1, (UInt64(sysclk) + probe.flashClockHz / 2) / probe.flashClockHz))) : 2
        let board = Board(schema: 2, name: name, mcu: mcu, flash: part, octospi: .init(instance: probe.instance ?? 1, port: probe.port ?? 1),
                          pins: pins, clock: .init(sysclkHz: sysclk, octospiDivider: divider))
        do {
            try board.validate(file: name + ".json")
        } catch {
            return .failure(BoardIdentificationError(text: error.description))
        }
        return .success(board)
    }
}

public struct BoardIdentificationError: Error, Sendable {
    public var text: String
}
