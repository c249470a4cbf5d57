import Foundation
import NORFlash

extension Board {
    /// HSE crystal frequencies the STM32U5 accepts ("4 to 48 MHz crystal oscillator",
    /// stm32u5xx_hal_rcc.c of STM32CubeU5 v1.6.3).
    public static let hseRange: ClosedRange<UInt32> = 4_000_000...48_000_000

    /// Reads and validates a board description file.
    public static func load(path: String) throws(BoardError) -> Board {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            let reason = ((error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError).map { String(cString: strerror(Int32($0.code))).lowercased() }
            throw .unreadable(file: path, reason: reason ?? (error as NSError).localizedDescription)
        }
        return try decode(data, file: path)
    }

    public static func decode(_ data: Data, file: String) throws(BoardError) -> Board {
        try BoardKeys.validate([UInt8](data), file: file)
        let board: Board
        do {
            board = try JSONDecoder().decode(Board.self, from: data)
        } catch let DecodingError.dataCorrupted(ctx) {
            throw .malformed(file: file, reason: describe(ctx))
        } catch let DecodingError.keyNotFound(key, ctx) {
            throw .malformed(file: file, reason: "missing field '\(path(ctx.codingPath + [key]))'")
        } catch let DecodingError.typeMismatch(type, ctx) {
            throw .malformed(file: file, reason: "'\(path(ctx.codingPath))' should be \(type)")
        } catch let DecodingError.valueNotFound(type, ctx) {
            throw .malformed(file: file, reason: "'\(path(ctx.codingPath))' should be \(type), found null")
        } catch {
            throw .malformed(file: file, reason: "\(error)")
        }
        try board.validate(file: file)
        return board
    }

    private static func path(_ keys: [CodingKey]) -> String {
        keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
    }

    private static func describe(_ ctx: DecodingError.Context) -> String {
        let at = path(ctx.codingPath)
        if let underlying = ctx.underlyingError as NSError? {
            return (at.isEmpty ? "" : "\(at): ") + "\(ctx.debugDescription) \(underlying.userInfo[NSDebugDescriptionErrorKey] ?? "")"
        }
        return (at.isEmpty ? "" : "\(at): ") + ctx.debugDescription
    }

    /// Checks what the silicon would refuse: an MCU or part the lab does not know, an
    /// OCTOSPI or port the MCU lacks, a pin that cannot carry its signal on the chosen port
    /// (the MCU line's largest package), a wrong alternate function, a pin used twice.
    public func validate(file: String) throws(BoardError) {
        guard schema == 1 || schema == 2 else { throw .unsupportedSchema(file: file, found: schema) }
        guard let description = MCUDescription.named(mcu) else {
            throw .unsupported(file: file, field: "mcu", value: "\"\(mcu)\"",
                               expected: "an STM32U5 family member: " + MCUDescription.allMembers.joined(separator: ", "))
        }
        let knownFlashes = FlashPart.all.map(\.name)
        guard FlashPart.part(named: flash) != nil else {
            throw .unsupported(file: file, field: "flash", value: "\"\(flash)\"", expected: "a catalog part: " + knownFlashes.joined(separator: ", "))
        }
        guard description.octospiInstances.contains(octospi.instance) else {
            throw .unsupported(file: file, field: "octospi.instance", value: "\(octospi.instance)",
                               expected: description.octospiInstances.map(String.init).joined(separator: " or ") + " (the \(description.line) has "
                                + (description.octospiInstances.count == 1 ? "one OCTOSPI)" : "OCTOSPI1 and OCTOSPI2)"))
        }
        guard description.ports.contains(octospi.port) else {
            throw .unsupported(file: file, field: "octospi.port", value: "\(octospi.port)",
                               expected: description.hasOCTOSPIM ? "1 or 2" : "1 (the \(description.line) has no OCTOSPIM: OCTOSPI1 drives its own pins)")
        }
        guard (1...256).contains(clock.octospiDivider) else {
            throw .unsupported(file: file, field: "clock.octospiDivider", value: "\(clock.octospiDivider)", expected: "1 to 256")
        }
        guard (4_000_000...160_000_000).contains(clock.sysclkHz) else {
            throw .unsupported(file: file, field: "clock.sysclkHz", value: "\(clock.sysclkHz)", expected: "4000000 to 160000000 (the STM32U5 maximum)")
        }
        if let hse = clock.hseHz, !Self.hseRange.contains(hse) {
            throw .unsupported(file: file, field: "clock.hseHz", value: "\(hse)",
                               expected: "4000000 to 48000000 (the STM32U5's HSE crystal range, RM0456 / stm32u5xx_hal_rcc.c), or no hseHz for a board without one")
        }
        var wanted = FlashSignal.quad
        let upper = FlashSignal.upperData.filter { pins[$0] != nil }
        if schema == 1, let extra = FlashSignal.allCases.first(where: { !FlashSignal.quad.contains($0) && pins[$0] != nil }) {
            throw .unsupported(file: file, field: "pins.\(extra.rawValue)", value: "present", expected: "\"schema\": 2 for octal wiring (schema 1 has NCS, CLK and IO0-IO3 only)")
        }
        // A flash used over one or two lines (a "dual" board) has IO2/IO3 (WP#, HOLD#) held
        // high on the board, not wired to the MCU: both absent is a board, one absent is a slip.
        if schema >= 2, upper.isEmpty, pins[.io2] == nil, pins[.io3] == nil {
            wanted = [.ncs, .clk, .io0, .io1]
        }
        if !upper.isEmpty {
            for signal in FlashSignal.upperData where pins[signal] == nil { throw .missingPin(file: file, signal: signal) }
            wanted += FlashSignal.upperData
        }
        wanted += [FlashSignal.dqs, .nclk].filter { pins[$0] != nil }
        let debugPins: Set<Pin> = [Pin("PA13")!, Pin("PA14")!]
        var seen: [Pin: [FlashSignal]] = [:]
        for signal in wanted {
            guard let assignment = pins[signal] else { throw .missingPin(file: file, signal: signal) }
            if debugPins.contains(assignment.pin) { throw .debugPin(file: file, signal: signal, pin: assignment.pin) }
            seen[assignment.pin, default: []].append(signal)
            // The pin may carry the signal on either port, or a flash IO line on the other
            // nibble of a port (`MCUDescription.carriers`): the OCTOSPIM routes each on its own.
            // `octospi.port` is where the flash's chip select is: the other signals may come
            // from the other port, NCS may not.
            let carriers = description.carriers(of: signal, pin: assignment.pin).filter { signal != .ncs || $0.port == octospi.port }
            guard !carriers.isEmpty else {
                let candidates = description.pins(port: octospi.port, signal: signal).map { "\($0.pin) (AF\($0.alternateFunction))" }
                throw .pinCannotCarrySignal(file: file, signal: signal, pin: assignment.pin, port: octospi.port, candidates: candidates)
            }
            guard carriers.contains(where: { $0.alternateFunction == assignment.af }) else {
                let expected = carriers.first { $0.port == octospi.port && $0.signal == signal } ?? carriers[0]
                throw .wrongAlternateFunction(file: file, signal: signal, pin: assignment.pin, given: assignment.af, expected: expected.alternateFunction)
            }
        }
        for (pin, signals) in seen.sorted(by: { $0.key < $1.key }) where signals.count > 1 {
            throw .pinUsedTwice(file: file, pin: pin, signals: signals)
        }
    }
}

extension Board {
    /// Where the flash's `signal` enters the MCU: the OCTOSPIM port and port signal its pin
    /// carries on the board's AF (nil when the board does not wire the signal, or its pin
    /// cannot carry it).
    public func carrier(of signal: FlashSignal) -> OCTOSPIMPinMap.Entry? {
        guard let assignment = pins[signal] else { return nil }
        return mcuDescription.carrier(of: signal, pin: assignment.pin, af: assignment.af, preferredPort: octospi.port)
    }

    /// Every wired signal on `octospi.port` and every flash IOk on the port's IOk: what our
    /// loader's board block describes (one OCTOSPIM_PCR, IO[3:0] and, for octal, IO[7:4]).
    public var isWiredInOrderOnOnePort: Bool {
        pins.keys.allSatisfy { signal in
            guard let c = carrier(of: signal) else { return false }
            return c.port == octospi.port && c.signal == signal
        }
    }

    /// The OCTOSPIM ports the board's pins are on, in order.
    public var wiredPorts: [Int] {
        Array(Set(pins.keys.compactMap { carrier(of: $0)?.port })).sorted()
    }

    /// The flash's IO2 and IO3 reach the MCU. Without them the flash is used over one or two
    /// lines, its WP# and HOLD# held high on the board.
    public var wiresQuadData: Bool { pins[.io2] != nil && pins[.io3] != nil }
}
