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
        var options = base
        options.diagnoseUninitializedRAM = false
        let defaultPart = FlashPart.part(named: Board.defaultBoard.flash) ?? FlashPart.all[0]
        // The permissive board has an HSE (ST's default HSE_VALUE, 16 MHz), so that a loader
        // written for a board with a crystal gets past SystemClock_Config; what the loader
        // assumes is read back from it (`InitProbe.hseHz`).
        func permissive(_ member: String) -> Board {
            var clock = Board.defaultBoard.clock
            clock.hseHz = Self.probeHSEHz
            return Board(schema: 2, name: "identify", mcu: member, flash: Board.defaultBoard.flash,
                         octospi: .init(instance: 1, port: 1), pins: [:], clock: clock)
        }
        let member: String, reason: String
        let session: ProgrammerSession
        let first: InitProbe?
        if let given = override.flatMap({ name in MCUDescription.named(name).map { ($0.member(matching: name) ?? name.uppercased(), "given with --mcu") } })
            ?? namedMCU(loader: loader, deviceName: deviceName) {
            (member, reason) = given
            options.board = permissive(member)
            session = ProgrammerSession(probing: loader, options: options)
            first = session.probeInit(board: options.board, part: defaultPart, permissive: true)
        } else {
            options.board = permissive(MCUDescription.family[0].members[0])
            session = ProgrammerSession(probing: loader, options: options)
            (member, reason, first) = probeLines(session: session, loader: loader, part: defaultPart, board: permissive)
        }
        var permissiveBoard = permissive(member)
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
        var wiring = chosen ?? first
        // A loader whose clock tree assumes another crystal ran at the wrong speed on the
        // 16 MHz probe board: run it again with its own, so that SYSCLK and the flash clock
        // are the ones it has on its board.
        if let w = wiring, let hse = w.hseHz, hse != Self.probeHSEHz, let part = FlashPart.part(named: w.part) {
            var board = permissive(member)
            board.clock.hseHz = hse
            if let again = session.probeInit(board: board, part: part, permissive: true), again.succeeded == w.succeeded {
                wiring = again
            }
        }
        result.wiring = wiring
        guard let wiring else {
            result.boardProblem = "the loader could not be run"
            return result
        }
        permissiveBoard.flash = chosen?.part ?? defaultPart.name
        switch makeBoard(from: wiring, mcu: member, part: permissiveBoard.flash, name: boardName(loader.name)) {
        case .success(var board):
            board.clock.hseHz = wiring.hseHz
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

    /// The HSE of the permissive board: STM32CubeU5's default HSE_VALUE.
    static let probeHSEHz: UInt32 = 16_000_000

    static func boardName(_ loaderName: String) -> String {
        let stem = (loaderName as NSString).deletingPathExtension
        return "identified-" + stem.lowercased().map { $0.isLetter || $0.isNumber ? String($0) : "-" }.joined()
    }

    /// The member a loader names in its DeviceName or file name ("…STM32U599…", "U5A9").
    static func namedMCU(loader: LoaderFile, deviceName: String?) -> (String, String)? {
        let text = ((deviceName ?? "") + " " + loader.name).uppercased()
        guard let range = text.range(of: #"U5[0-9A-G][0-9]"#, options: .regularExpression) else { return nil }
        let name = "STM32" + text[range]
        guard MCUDescription.named(name) != nil else { return nil }
        return (name, "named in the loader's \(deviceName?.uppercased().contains(String(text[range])) == true ? "DeviceName" : "file name")")
    }

    /// A loader that does not name its MCU: `Init` runs on each line whose RAM holds the
    /// loader, smallest first, and the first line that has every peripheral the loader
    /// touched and every pin it routed to the flash is taken. The smallest line alone (a
    /// U535: one OCTOSPI, no OCTOSPIM, no port F) would hide the wiring of a loader written
    /// for a bigger member and write no board.
    static func probeLines(session: ProgrammerSession, loader: LoaderFile, part: FlashPart,
                           board: (String) -> Board) -> (String, String, InitProbe?) {
        let ends: [UInt64] = loader.loadSegments.map { UInt64($0.virtualAddress) + UInt64($0.memorySize) }
        let ramEnd: UInt64 = ends.filter { (v: UInt64) in v >= 0x2000_0000 && v < 0x2800_0000 }.max() ?? 0
        let lines = MCUDescription.family.filter { $0.programmerRAM.end >= ramEnd + 0x400 }
        guard !lines.isEmpty else {
            let member = MCUDescription.family.last!.members.last!
            return (member, "not named by the loader and larger than every line's RAM", session.probeInit(board: board(member), part: part, permissive: true))
        }
        // Without a wired line: the first line it ran on without touching a missing
        // peripheral, else the smallest (each line's Init runs once).
        var probes: [(member: String, probe: InitProbe?)] = []
        for line in lines {
            let member = line.members[0]
            let probe = session.probeInit(board: board(member), part: part, permissive: true)
            probes.append((member, probe))
            guard let probe, probe.absentPeripherals.isEmpty else { continue }
            if FlashSignal.quad.allSatisfy({ s in probe.pins.contains { $0.signal == s } }) {
                return (member, String(format: "not named by the loader; the smallest line whose RAM holds it (up to 0x%08llX) and that has every peripheral and pin its Init used; use --mcu to choose", ramEnd), probe)
            }
        }
        if let clean = probes.first(where: { $0.probe?.absentPeripherals.isEmpty == true }) {
            return (clean.member, String(format: "not named by the loader; the smallest line whose RAM holds it (up to 0x%08llX) and that it ran on without touching a missing peripheral (no line showed its flash pins); use --mcu to choose", ramEnd), clean.probe)
        }
        return (probes[0].member, String(format: "not named by the loader; the smallest line whose RAM holds it (up to 0x%08llX): its Init touched a peripheral missing on every line or did not run; use --mcu to choose", ramEnd), probes[0].probe)
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
        // IO2 and IO3 both absent: a flash used over one or two lines (a "dual" board).
        let required: [FlashSignal] = pins[.io2] == nil && pins[.io3] == nil ? [.ncs, .clk, .io0, .io1] : FlashSignal.quad
        if let missing = required.first(where: { pins[$0] == nil }) {
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
