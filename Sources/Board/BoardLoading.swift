import Foundation

extension Board {
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

    /// Checks what the silicon would refuse: a pin that cannot carry its signal on the
    /// chosen OCTOSPIM port, a wrong alternate function, a pin used twice.
    public func validate(file: String) throws(BoardError) {
        guard schema == 1 else { throw .unsupportedSchema(file: file, found: schema) }
        guard mcu.uppercased() == "STM32U5G7" || mcu.uppercased() == "STM32U5G9" else {
            throw .unsupported(file: file, field: "mcu", value: "\"\(mcu)\"", expected: "\"STM32U5G7\" or \"STM32U5G9\"")
        }
        let knownFlashes = ["IS25LP512M", "IS25WP512M"]
        guard knownFlashes.contains(flash.uppercased()) else {
            throw .unsupported(file: file, field: "flash", value: "\"\(flash)\"", expected: knownFlashes.map { "\"\($0)\"" }.joined(separator: " or "))
        }
        guard octospi.instance == 1 || octospi.instance == 2 else {
            throw .unsupported(file: file, field: "octospi.instance", value: "\(octospi.instance)", expected: "1 or 2")
        }
        guard octospi.port == 1 || octospi.port == 2 else {
            throw .unsupported(file: file, field: "octospi.port", value: "\(octospi.port)", expected: "1 or 2")
        }
        guard (1...256).contains(clock.octospiDivider) else {
            throw .unsupported(file: file, field: "clock.octospiDivider", value: "\(clock.octospiDivider)", expected: "1 to 256")
        }
        guard (4_000_000...160_000_000).contains(clock.sysclkHz) else {
            throw .unsupported(file: file, field: "clock.sysclkHz", value: "\(clock.sysclkHz)", expected: "4000000 to 160000000 (the STM32U5 maximum)")
        }
        let debugPins: Set<Pin> = [Pin("PA13")!, Pin("PA14")!]
        var seen: [Pin: [FlashSignal]] = [:]
        for signal in FlashSignal.allCases {
            guard let assignment = pins[signal] else { throw .missingPin(file: file, signal: signal) }
            if debugPins.contains(assignment.pin) { throw .debugPin(file: file, signal: signal, pin: assignment.pin) }
            seen[assignment.pin, default: []].append(signal)
            guard let af = OCTOSPIMPinMap.alternateFunction(port: octospi.port, signal: signal, pin: assignment.pin) else {
                let candidates = OCTOSPIMPinMap.pins(port: octospi.port, signal: signal).map { "\($0.pin) (AF\($0.alternateFunction))" }
                throw .pinCannotCarrySignal(file: file, signal: signal, pin: assignment.pin, port: octospi.port, candidates: candidates)
            }
            guard af == assignment.af else {
                throw .wrongAlternateFunction(file: file, signal: signal, pin: assignment.pin, given: assignment.af, expected: af)
            }
        }
        for (pin, signals) in seen where signals.count > 1 {
            throw .pinUsedTwice(file: file, pin: pin, signals: signals)
        }
    }
}
